"""How the library shows numbers people read: durations as 1:02:03, days as 2024-01-31, views as 1.2K.

Template filters (``{% load library %}``), so a card, a list row and a live-updated grid (which renders the
same partial) say the same thing. Each takes what the Video row holds and returns "" for a missing value,
so a template never prints "None" or a stray separator.
"""
from __future__ import annotations

from django import template

from archiver import readable
from archiver.vocabulary import FixityStatus, VideoStatus

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """``3723`` -> ``1:02:03``, ``140`` -> ``2:20``, ``7`` -> ``0:07``; "" when unknown or not a number."""
    try:
        return readable.duration(float(seconds))
    except (TypeError, ValueError):
        return ""


@register.filter
def upload_day(value) -> str:
    """yt-dlp's ``YYYYMMDD`` -> ``YYYY-MM-DD``; "" for anything else (missing, partial)."""
    text = str(value or "")
    if len(text) != 8 or not text.isdigit():
        return ""
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


@register.filter
def compact_count(value) -> str:
    """``950`` -> ``950``, ``1234`` -> ``1.2K``, ``3400000`` -> ``3.4M``; "" when unknown."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    if n < 0:
        return ""
    for limit, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "K")):
        if n >= limit:
            shown = f"{n / limit:.1f}".removesuffix(".0")
            return f"{shown}{suffix}"
    return str(n)


@register.filter
def hue(value) -> int:
    """A stable colour class number (0-7) for a name: a channel without artwork still gets its own colour."""
    return sum(str(value or "").encode()) % 8


@register.filter
def has_thumbnail(video) -> bool:
    """Whether an archived video's thumbnail.jpg is on disk: a card without one shows a placeholder, never a
    broken image (and the browser logs no failed request)."""
    from django.conf import settings

    from archiver import tree

    if video.status != VideoStatus.ARCHIVED:
        return False
    return tree.thumbnail_file(tree.video_dir(settings.ARCHIVE_ROOT, video.channel_id, video.video_id)).is_file()


@register.filter
def is_damaged(video) -> bool:
    """An archived video whose files failed their last fixity check (archiver.fixity)."""
    return video.status == VideoStatus.ARCHIVED and video.fixity_status == FixityStatus.DAMAGED
