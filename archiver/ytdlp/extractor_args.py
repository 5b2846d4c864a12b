"""Extractor arguments (yt-dlp's ``--extractor-args``) as text a user writes, checked before yt-dlp sees them.

A channel may need ``youtube:player_client=mweb`` one month and something else
the next: YouTube changes its clients faster than we release, so users follow
it themselves. The text is yt-dlp's command-line syntax, several extractors
separated by ``;``::

    youtube:player_client=mweb,web;skip=dash;youtubetab:approximate_date

``IE:KEY=VAL[,VAL]`` names the extractor; a ``KEY=VAL`` after it belongs to
the same one; ``\\,`` is a comma inside a value. Keys are read as yt-dlp reads
them (lower case, ``-`` as ``_``). The result is yt-dlp's ``extractor_args``
parameter: ``{"youtube": {"player_client": ["mweb", "web"]}}``.

Pure functions, no yt-dlp: the API, the admin, the web form and the settings
all check with ``parse`` and keep ``format_args(parse(text))``, one spelling.
"""
from __future__ import annotations

import re

MAX_LENGTH = 2000
_NAME = re.compile(r"[A-Za-z0-9_-]+")
# The PO-token providers' arguments name servers and scripts the worker runs: the operator's
# (YTARCHIVE_POT_PROVIDER_URL), never a channel's.
OPERATOR_ONLY_PREFIX = "youtubepot"

ExtractorArgs = dict[str, dict[str, list[str]]]


def parse(text: str | None) -> ExtractorArgs:
    """``"youtube:player_client=mweb;skip=dash"`` -> ``{"youtube": {...}}``; ValueError says what is wrong."""
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise ValueError(f"extractor arguments are limited to {MAX_LENGTH} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise ValueError("extractor arguments cannot hold control characters")
    args: ExtractorArgs = {}
    current = ""
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        name, _, values = part.partition("=")
        if ":" in name:
            current, _, name = name.partition(":")
            current = current.strip().lower()
            _check_name(current, "extractor", part)
            if current.startswith(OPERATOR_ONLY_PREFIX):
                raise ValueError(f"{current!r}: PO-token provider arguments are set by the operator "
                                 "(YTARCHIVE_POT_PROVIDER_URL), not per channel")
        elif not current:
            raise ValueError(f"{part!r} names no extractor: write it as IE:KEY=VALUE, e.g. youtube:player_client=mweb")
        key = name.strip().lower().replace("-", "_")
        _check_name(key, "key", part)
        args.setdefault(current, {})[key] = [v.replace(r"\,", ",").strip() for v in re.split(r"(?<!\\),", values)]
    return args


def _check_name(name: str, what: str, part: str) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError(f"{part!r}: the {what} must be letters, digits, _ or - "
                         "(write IE:KEY=VALUE[,VALUE], e.g. youtube:player_client=mweb)")


def format_args(args: ExtractorArgs) -> str:
    """The one spelling kept and shown: ``ie:key=v1,v2;key2=v;ie2:key=v`` (what ``parse`` reads back)."""
    parts = []
    for ie, keys in args.items():
        for i, (key, values) in enumerate(keys.items()):
            joined = ",".join(v.replace(",", r"\,") for v in values)
            item = key if values == [""] else f"{key}={joined}"
            parts.append(f"{ie}:{item}" if i == 0 else item)
    return ";".join(parts)


def normalise(text: str | None) -> str:
    """Checked and respelled (ValueError when it is not extractor arguments)."""
    return format_args(parse(text))


def merge(base: ExtractorArgs, over: ExtractorArgs) -> ExtractorArgs:
    """``over``'s keys replace ``base``'s, extractor by extractor (a channel's over the global ones)."""
    merged = {ie: dict(keys) for ie, keys in base.items()}
    for ie, keys in over.items():
        merged.setdefault(ie, {}).update(keys)
    return merged
