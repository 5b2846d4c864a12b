"""Ids that become folder names: validated, or made safe, never trusted.

A channel or video id from a site is data from the internet. Only ids that
match ``SAFE_ID`` are used as they are; anything else (slashes, dots, quotes,
emoji, great length) becomes a readable slug plus a hash of the original, so
the same raw id always maps to the same folder and two raw ids never collide.
"""
from __future__ import annotations

import hashlib
import re

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_SLUG_DROP = re.compile(r"[^A-Za-z0-9_-]+")
_YOUTUBE_CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")


def is_safe_id(value: str) -> bool:
    """True when ``value`` can be a path component as it is (no dots, no separators)."""
    return isinstance(value, str) and bool(SAFE_ID.match(value))


def require_safe_id(value: str) -> str:
    """``value`` itself, or ValueError: the guard in front of every path join."""
    if not is_safe_id(value):
        raise ValueError(f"unsafe id for a path: {value!r}")
    return value


def safe_id(raw: str) -> str:
    """A path-safe id for ``raw``: itself when already safe, else ``slug-hash``."""
    raw = str(raw)
    if is_safe_id(raw):
        return raw
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    slug = _SLUG_DROP.sub("-", raw).strip("-_")[:40].strip("-_")
    return f"{slug}-{digest}" if slug else f"id-{digest}"


def is_youtube_channel_id(value: str) -> bool:
    return bool(_YOUTUBE_CHANNEL_ID.match(value or ""))


def channel_key(extractor_key: str, raw_id: str) -> str:
    """The project's own channel id: a YouTube ``UC…`` id as it is, else ``site-id``.

    Other sites get their extractor's name in front so two sites that both call
    a channel ``videos`` never share a folder.
    """
    if is_youtube_channel_id(raw_id):
        return raw_id
    site = re.sub(r"(tab|channel|playlist|user|feed)$", "", (extractor_key or "").lower())
    site = _SLUG_DROP.sub("", site)[:20] or "site"
    return safe_id(f"{site}-{raw_id}")
