"""Descriptions of videos archived before they were stored with the outcome, read once from info.json.

Feeds and pages read a video's description from its row only (issue 21); a video archived by an older
release has it in its ``video.info.json`` alone. ``backfill`` reads each such file once (archived videos with
an empty description, in slices by primary key, one ``bulk_update`` per slice) and never again.
"""
from __future__ import annotations

import json
import logging

from django.conf import settings

from archiver import tree
from archiver.vocabulary import VideoStatus
from channels_app.models import Video

log = logging.getLogger(__name__)
SLICE = 500
MAX_INFO_BYTES = 50_000_000
DESCRIPTION_CHARS = 10_000


def _read(channel_id: str, video_id: str) -> str:
    path = tree.info_file(tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id))
    try:
        if path.stat().st_size > MAX_INFO_BYTES:
            return ""
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(info.get("description") or "")[:DESCRIPTION_CHARS] if isinstance(info, dict) else ""


def backfill() -> tuple[int, int]:
    """(videos looked at, descriptions filled in)."""
    seen = filled = 0
    after = 0
    while True:
        rows = list(Video.objects.filter(status=VideoStatus.ARCHIVED, description="", pk__gt=after)
                    .order_by("pk").only("pk", "channel_id", "video_id", "description")[:SLICE])
        if not rows:
            break
        after = rows[-1].pk
        found = []
        for video in rows:
            video.description = _read(video.channel_id, video.video_id)
            if video.description:
                found.append(video)
        if found:
            Video.objects.bulk_update(found, ["description"])
        seen, filled = seen + len(rows), filled + len(found)
    log.info("descriptions: %s archived video(s) without one, %s filled in from info.json", seen, filled)
    return seen, filled
