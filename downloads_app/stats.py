"""What the stats page draws: downloads per day (from the videos' own timestamps), storage per channel (the
StatusCount rows), the disk's free space now, and the samples of totals over time (StatsSample).

Each function is a few queries whatever the catalog's size: a GROUP BY over the last days' archived videos,
the StatusCount rows, the samples of a window (at most one a sample period).
"""
from __future__ import annotations

import logging
import os
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from archiver.state import download_locks, store
from archiver.vocabulary import VideoStatus
from channels_app import status_counts
from channels_app.models import Channel, StatusCount, Video
from downloads_app.models import StatsSample

log = logging.getLogger(__name__)


def disk_space() -> tuple[int, int] | None:
    """(free, size) bytes of the filesystem holding the archive (or that will: its nearest folder that exists);
    None when it cannot be read."""
    path = Path(settings.ARCHIVE_ROOT)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        stats = os.statvfs(path)
    except OSError:
        return None
    return stats.f_bavail * stats.f_frsize, stats.f_blocks * stats.f_frsize


def totals() -> dict:
    """The archive's totals now, as a sample holds them."""
    counts = status_counts.by_status()
    archived_bytes = StatusCount.objects.filter(status=VideoStatus.ARCHIVED).aggregate(n=Sum("bytes"))["n"] or 0
    try:
        downloading = download_locks.live_downloads(store.connect(settings.REDIS_URL))
    except Exception as exc:  # Redis away: the sample says nothing is in flight rather than fail
        log.info("stats sample without the downloads in flight: %s", exc)
        downloading = 0
    disk = disk_space()
    return {
        "videos": sum(counts.values()), "archived": counts.get(VideoStatus.ARCHIVED, 0),
        "archived_bytes": archived_bytes,
        "queued": counts.get(VideoStatus.QUEUED, 0) + counts.get(VideoStatus.NEW, 0),
        "downloading": downloading, "retrying": counts.get(VideoStatus.RETRYING, 0),
        "failed": counts.get(VideoStatus.FAILED, 0), "dead_letters": status_counts.dead_letters(),
        "disk_free_bytes": disk[0] if disk else None, "disk_size_bytes": disk[1] if disk else None,
    }


def take_sample(now=None) -> StatsSample:
    """Write today's totals down, and forget the samples older than YTARCHIVE_STATS_KEEP_DAYS."""
    now = now or timezone.now()
    sample = StatsSample.objects.create(taken_at=now, **totals())
    StatsSample.objects.filter(taken_at__lt=now - timedelta(days=settings.YTARCHIVE["STATS_KEEP_DAYS"])).delete()
    return sample


def samples(days: int, now=None) -> list[StatsSample]:
    """The samples of the last ``days`` days, oldest first, thinned to at most ~200 (a chart's worth)."""
    now = now or timezone.now()
    rows = list(StatsSample.objects.filter(taken_at__gte=now - timedelta(days=days)).order_by("taken_at"))
    every = max(1, len(rows) // 200)
    return rows[::every] if every > 1 else rows


def days(count: int, today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    return [today - timedelta(days=n) for n in range(count - 1, -1, -1)]


def downloads_per_day(count: int = 30, today: date | None = None) -> list[tuple[date, int, int]]:
    """(day, videos archived that day, their bytes) for the last ``count`` days, today last, zeros included."""
    span = days(count, today)
    start = timezone.make_aware(timezone.datetime.combine(span[0], timezone.datetime.min.time()))
    rows = (Video.objects.filter(status=VideoStatus.ARCHIVED, archived_at__gte=start)
            .annotate(day=TruncDate("archived_at", tzinfo=timezone.get_current_timezone()))
            .values("day").annotate(n=Count("id"), size=Sum("size_bytes")).order_by())
    found = {row["day"]: (row["n"], row["size"] or 0) for row in rows}
    return [(day, *found.get(day, (0, 0))) for day in span]


def failures_per_day(count: int = 30, today: date | None = None) -> list[tuple[date, int]]:
    """(day, videos whose last failure was that day) for the last ``count`` days: a video that failed and was
    later archived no longer counts (its failure is in the samples of that time)."""
    span = days(count, today)
    start = timezone.make_aware(timezone.datetime.combine(span[0], timezone.datetime.min.time()))
    rows = (Video.objects.filter(status__in=[VideoStatus.FAILED, VideoStatus.RETRYING], updated_at__gte=start)
            .annotate(day=TruncDate("updated_at", tzinfo=timezone.get_current_timezone()))
            .values("day").annotate(n=Count("id")).order_by())
    found = {row["day"]: row["n"] for row in rows}
    return [(day, found.get(day, 0)) for day in span]


def storage_per_channel(limit: int = 12) -> list[tuple[str, str, int]]:
    """(channel id, title, archived bytes) of the ``limit`` channels that take most, most first."""
    rows = list(StatusCount.objects.filter(status=VideoStatus.ARCHIVED, bytes__gt=0).values("channel_id")
                .annotate(size=Sum("bytes")).order_by("-size", "channel_id")[:limit])
    titles = dict(Channel.objects.filter(pk__in=[r["channel_id"] for r in rows]).values_list("id", "title"))
    return [(r["channel_id"], titles.get(r["channel_id"]) or r["channel_id"], r["size"]) for r in rows]
