"""The channel-option flags of ``ytarchive add`` and ``ytarchive set``, one per option spec.

Derived from archiver.channel_options (Django-free), so a new option gets its
flag without an edit here: ``--NAME`` (or the spec's own flag), its choices,
its help, and its value turned into what the API takes ('' = the default).
"""
from __future__ import annotations

import argparse

from archiver import channel_options
from ytarchive_cli.client import EXIT_USAGE, CliError

_SWITCH = {"on": True, "off": False, "": None}  # a yes/no option: on, off, or '' for the default


def add_flags(parser: argparse.ArgumentParser) -> None:
    """A flag for every option; each is absent from the parsed arguments (None) unless given."""
    for spec in channel_options.SPECS:
        extra = {}
        if spec.kind == "choice":
            extra["choices"] = ["", *spec.choices]
        elif spec.kind == "bool":
            extra["choices"] = list(_SWITCH)
        elif spec.metavar:
            extra["metavar"] = spec.metavar
        text = spec.help.rstrip(".")
        parser.add_argument(spec.flag, dest=spec.name, help=f"{text} ('' = {spec.unset})",
                            **extra)


def changes(args: argparse.Namespace) -> dict:
    """The options given on the command line, as the API's JSON values (None: back to the default)."""
    found = {}
    for spec in channel_options.SPECS:
        text = getattr(args, spec.name, None)
        if text is not None:
            found[spec.name] = value(spec, text)
    return found


def value(spec: channel_options.Spec, text: str):
    """One flag's text as the API takes it; CliError (a usage error) for a number that is none."""
    if spec.kind in ("int", "float"):
        return number_or_default(text, spec.flag, int if spec.kind == "int" else float)
    if spec.kind == "bool":
        return _SWITCH[text]
    if spec.kind == "date":
        return text or None
    return text


def number_or_default(text: str | None, name: str, kind=int):
    if text is None or text == "":
        return None
    try:
        return kind(text)
    except ValueError:
        raise CliError(f"{name} must be a number, not {text!r}", EXIT_USAGE) from None
