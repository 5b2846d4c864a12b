"""Names made from data (a title, a channel's name) that are safe as one path component on any server.

Jellyfin's documentation lists the characters it reserves (``< > : " / \\ | ? *``); those, control
characters and anything else a filesystem or an SMB share refuses become ``_``, a leading dot (a hidden
file) or a trailing dot or space (Windows drops them) go, and each component is cut to a number of
bytes in UTF-8 without splitting a character. A name never becomes empty, ``.`` or ``..``.
"""
from __future__ import annotations

import re
import unicodedata

# Most filesystems allow 255 bytes per component; a sidecar's suffix (``-thumb.jpg``, ``.en-GB.vtt``,
# ``.nfo``) is added to a video's stem, so the stem leaves room for it.
MAX_COMPONENT_BYTES = 255
SUFFIX_ROOM = 40
MAX_STEM_BYTES = MAX_COMPONENT_BYTES - SUFFIX_ROOM
MAX_CHANNEL_BYTES = 80  # a show's name in its folder and in every episode's file name
MAX_TITLE_BYTES = 120

_RESERVED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")


def cut_bytes(text: str, most: int) -> str:
    """``text`` at most ``most`` bytes long in UTF-8, cut at a character's boundary."""
    data = text.encode("utf-8")
    if len(data) <= most:
        return text
    return data[:most].decode("utf-8", errors="ignore")


def clean(text: str) -> str:
    """One line of text with no character a path component may not hold (its length untouched)."""
    text = unicodedata.normalize("NFC", str(text or ""))
    text = "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") else " "
                   for ch in text)
    return _SPACES.sub(" ", _RESERVED.sub("_", text)).strip()


def reserved_out(text: str) -> str:
    """``text`` with each reserved character as ``_`` (a template's literal text: its spaces kept)."""
    return _RESERVED.sub("_", text)


def component(text: str, most: int = MAX_COMPONENT_BYTES, empty: str = "_") -> str:
    """``text`` as one safe path component of at most ``most`` bytes (``empty`` when nothing is left)."""
    name = cut_bytes(clean(text), most).strip(" .")
    name = name.lstrip(".")
    return name or empty


def safe_final(name: str) -> str:
    """A component assembled from safe pieces, checked once more (no dot at either end, never empty)."""
    name = name.strip(" ").rstrip(".").lstrip(".")
    return name or "_"
