"""What a worker answers to ``celery inspect conf`` (Flower's worker page, its ``/api/workers``).

Celery's own ``conf`` command returns every setting the app was configured from: with
``config_from_object("django.conf:settings")`` that is all of Django's settings, and Celery masks
only names that look secret (``*PASSWORD*``, ``*KEY*``…). ``REDIS_URL``, ``CACHES`` and
``CELERY_BROKER_URL`` (with Redis's password), and ``YTARCHIVE`` (the Apprise URLs, the egress
proxies with theirs) went to anyone who could open Flower. This command of the same name, registered
through Celery's documented ``inspect_command`` (it replaces the built-in one in every worker that
imports the app), answers with Celery's own settings only, every name that looks secret masked and
every URL's password replaced by ``********``.
"""
from __future__ import annotations

import re

from celery.utils.serialization import jsonify, strtobool
from celery.worker.control import inspect_command
from kombu.utils.encoding import safe_repr

MASK = "********"
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):[^@/\s]*@")


def redact(value):
    """``value`` (nested dicts, lists, strings) with the password of every URL in it masked."""
    if isinstance(value, str):
        return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}:{MASK}@", value)
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


def celery_settings(table: dict) -> dict:
    """Celery's own settings from a configuration table: ``CELERY_*`` names and Celery's defaults (lower case)."""
    return {key: value for key, value in table.items()
            if isinstance(key, str) and (key.startswith("CELERY_") or key.islower()) and not key.startswith("__")}


@inspect_command(alias="dump_conf", signature="[include_defaults=False]", args=[("with_defaults", strtobool)])
def conf(state, with_defaults=False, **kwargs):
    """List configuration (Celery's settings only, secrets masked)."""
    table = state.app.conf.table(with_defaults=with_defaults, censored=True)
    return redact(jsonify(celery_settings(table), unknown_type_filter=safe_repr))
