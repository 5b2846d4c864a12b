"""Per-channel video counts by status, read from ``StatusCount`` (a few rows), never counted from the catalog.

Database triggers keep the rows (channels_app/migrations/0015_page_costs.py): any INSERT, UPDATE of
status/failure_kind/size_bytes or DELETE of a video moves its channel's counts in the same transaction,
so they equal ``COUNT(*) ... GROUP BY status`` at every commit whatever code path wrote the video.
Every function here is one query whatever the catalog's size.
"""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from archiver.vocabulary import STORED_VIDEO_STATUSES, FailureKind, VideoStatus
from channels_app.models import StatusCount


def _zeros() -> dict[str, int]:
    return {str(s): 0 for s in STORED_VIDEO_STATUSES}


def by_channel(channel_ids) -> dict[str, dict]:
    """channel id -> {"counts": {status: n}, "total", "archived_bytes"} for the channels given (one query)."""
    out: dict[str, dict] = defaultdict(lambda: {"counts": _zeros(), "total": 0, "archived_bytes": 0})
    rows = StatusCount.objects.filter(channel_id__in=list(channel_ids), videos__gt=0).values_list(
        "channel_id", "status", "videos", "bytes")
    for channel_id, status, videos, size in rows:
        entry = out[channel_id]
        entry["counts"][status] = entry["counts"].get(status, 0) + videos
        entry["total"] += videos
        if status == VideoStatus.ARCHIVED:
            entry["archived_bytes"] += size
    return out


def of_channel(channel_id: str) -> dict[str, int]:
    """Stored statuses of one channel (every status present, zeros included)."""
    return by_channel([channel_id])[channel_id]["counts"]


def count(channel_id: str | None = None, status: str | None = None, failure_kind: str | None = None) -> int:
    """Videos of a channel and/or a status and/or a failure kind (None: any), in the whole archive."""
    rows = StatusCount.objects.all()
    if channel_id is not None:
        rows = rows.filter(channel_id=channel_id)
    if status is not None:
        rows = rows.filter(status=status)
    if failure_kind is not None:
        rows = rows.filter(failure_kind=failure_kind)
    return rows.aggregate(n=Sum("videos"))["n"] or 0


def total_bytes(channel_id: str) -> int:
    """What all the channel's videos take (their size_bytes), whatever their status."""
    return StatusCount.objects.filter(channel_id=channel_id).aggregate(n=Sum("bytes"))["n"] or 0


def queued_by_channel() -> list[tuple[str, int]]:
    """(channel id, videos queued) for every channel with some, most first."""
    return list(StatusCount.objects.filter(status=VideoStatus.QUEUED, videos__gt=0)
                .order_by("-videos", "channel_id").values_list("channel_id", "videos"))


def by_status() -> dict[str, int]:
    """Videos per stored status in the whole archive (statuses with none left out)."""
    return {status: n or 0 for status, n in StatusCount.objects.values_list("status").annotate(n=Sum("videos"))
            .values_list("status", "n").order_by()}


def dead_letters() -> int:
    """Videos failed after all their retries (failed, transient), in the whole archive."""
    return sum(StatusCount.objects.filter(status=VideoStatus.FAILED, failure_kind=FailureKind.TRANSIENT)
               .values_list("videos", flat=True))
