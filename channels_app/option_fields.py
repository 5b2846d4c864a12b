"""The Channel model's option fields, derived from archiver.channel_options (one field per spec).

A field is null (or blank text) when the channel follows the global default.
Everything a field says (type, choices, length, help text) comes from its spec,
so `makemigrations` writes the migration of a new option and nothing else
needs editing here.
"""
from __future__ import annotations

from django.db import models

from archiver.channel_options import SPECS, Spec

_BIGGEST_INTEGER = 2**31 - 1  # what a PositiveIntegerField holds on every database


def model_field(spec: Spec) -> models.Field:
    """The model field that stores one option (empty: the global default)."""
    if spec.kind == "int":
        big = spec.bounds is not None and spec.bounds[1] > _BIGGEST_INTEGER
        kind = models.PositiveBigIntegerField if big else models.PositiveIntegerField
        return kind(null=True, blank=True, help_text=spec.help)
    if spec.kind in ("float", "bool", "date"):
        kind = {"float": models.FloatField, "bool": models.BooleanField, "date": models.DateField}[spec.kind]
        return kind(null=True, blank=True, help_text=spec.help)
    choices = [(c, c) for c in spec.choices] if spec.kind == "choice" else None
    return models.CharField(max_length=spec.max_length, blank=True, choices=choices, help_text=spec.help)


def options_model(module: str) -> type[models.Model]:
    """An abstract model holding every option's field, for the Channel model (in ``module``) to inherit."""
    attrs = {spec.name: model_field(spec) for spec in SPECS}
    meta = type("Meta", (), {"abstract": True})
    return type("ChannelOptions", (models.Model,), {**attrs, "Meta": meta, "__module__": module,
                                                    "__doc__": "A channel's download options (empty: the default)."})
