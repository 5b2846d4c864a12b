"""Checking the archive against its checksums, and re-downloading a damaged video without losing it.

* ``check_videos`` re-hashes archived videos (archiver.fixity) and writes what it
  found on each row: ``fixity_status`` (ok or damaged), ``fixity_problems``,
  ``fixity_checked_at``. Reads are throttled to ``YTARCHIVE_FIXITY_BYTES_PER_SECOND``.
* ``scheduled_round`` (beat, hourly) checks the videos checked longest ago, as
  many as keep the whole archive within ``YTARCHIVE_FIXITY_DAYS`` (7): the work is
  spread over the week, not done in one burst.
* ``redownload`` moves a video's folder aside (``videos/.kept-{video}-{time}``),
  queues the video afresh, and ``after_archived`` removes the kept copy only once
  the new folder verifies; until then both are on disk. Nothing is repaired
  silently: a damaged video stays damaged until someone asks.
"""
from __future__ import annotations

import logging
import math
import shutil
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from archiver import fixity, task_names, tree
from archiver.errors import ConflictError
from archiver.vocabulary import FailureKind, FixityStatus, VideoStatus
from channels_app import tallies
from channels_app.models import Video

log = logging.getLogger(__name__)
ROUNDS_PER_DAY = 24


def check_videos(videos, throttle: fixity.Throttle | None = None,
                 should_stop: Callable[[], bool] | None = None) -> dict:
    """Verify each archived video's folder; counts of ok and damaged.

    ``should_stop`` (a slice's deadline) is asked before each video after the first: every video checked
    is written on its row as it goes, so what is left is what the next slice finds still due.
    """
    throttle = throttle or fixity.Throttle(settings.YTARCHIVE["FIXITY_BYTES_PER_SECOND"])
    counts = {"ok": 0, "damaged": 0}
    for video in videos:
        if should_stop is not None and counts["ok"] + counts["damaged"] and should_stop():
            break
        folder = tree.video_dir(settings.ARCHIVE_ROOT, video.channel_id, video.video_id)
        report = fixity.verify(folder, throttle) if folder.is_dir() else fixity.Report(no_manifest=True,
                                                                                       missing=["(folder)"])
        problems = ["missing: the whole folder"] if not folder.is_dir() else report.problems()
        status = FixityStatus.OK if report.ok and folder.is_dir() else FixityStatus.DAMAGED
        Video.objects.filter(pk=video.pk).update(fixity_status=status, fixity_problems=problems,
                                                 fixity_checked_at=timezone.now())
        counts[status] += 1
        if status is FixityStatus.DAMAGED:
            log.warning("fixity: channel=%s video=%s is damaged: %s", video.channel_id, video.video_id,
                        "; ".join(problems)[:500])
    return counts


def archived(channel_id: str | None = None):
    videos = Video.objects.filter(status=VideoStatus.ARCHIVED)
    return videos.filter(channel_id=channel_id) if channel_id else videos


def check_channel(channel_id: str) -> dict:
    return check_videos(archived(channel_id).order_by("id").iterator())


def channel_slice(channel_id: str, since, should_stop: Callable[[], bool]) -> tuple[dict, bool]:
    """A slice of ``ytarchive verify``: the channel's videos not checked since ``since`` (the request's
    time), until ``should_stop``; (counts, whether any is left). The rows are the cursor."""
    def pending():
        return archived(channel_id).filter(Q(fixity_checked_at__isnull=True) | Q(fixity_checked_at__lt=since))

    counts = check_videos(pending().order_by("id").iterator(), should_stop=should_stop)
    return counts, pending().exists()


def round_share(now=None) -> int:
    """How many videos one hourly round checks: the whole archive once per FIXITY_DAYS."""
    days = settings.YTARCHIVE["FIXITY_DAYS"]
    return math.ceil(archived().count() / (days * ROUNDS_PER_DAY)) if days else 0


def round_slice(remaining: int, should_stop: Callable[[], bool] | None = None, now=None) -> tuple[dict, int]:
    """Up to ``remaining`` of the videos checked longest ago (never checked first), until ``should_stop``;
    (counts, how many of the round are left for its next slice). The rows are the cursor: a video
    checked now is no longer due."""
    now = now or timezone.now()
    days = settings.YTARCHIVE["FIXITY_DAYS"]
    if remaining <= 0 or not days:
        return {"ok": 0, "damaged": 0}, 0
    due = archived().filter(Q(fixity_checked_at__isnull=True) | Q(fixity_checked_at__lt=now - timedelta(days=days)))
    videos = due.order_by("fixity_checked_at", "id")[:remaining]  # NULLs first on SQLite and PostgreSQL
    counts = check_videos(videos.iterator(), should_stop=should_stop)
    left = remaining - counts["ok"] - counts["damaged"]
    return counts, left if left > 0 and due.exists() else 0


def scheduled_round(now=None) -> dict:
    """One hour's share of the periodic check, in one go (the task runs it in slices: round_slice)."""
    counts, _left = round_slice(round_share(now), now=now)
    return counts


def summary(channel_id: str, since=None) -> dict:
    """A channel's fixity: counts, the damaged videos, and how many are not checked since ``since``."""
    videos = archived(channel_id)
    pending = videos.filter(Q(fixity_checked_at__isnull=True) | Q(fixity_checked_at__lt=since)) if since else \
        videos.filter(fixity_checked_at__isnull=True)
    # Counted first: a check running meanwhile writes its rows one by one, so once ``pending`` reads 0 the
    # queries after it see every result (read before them, a list could miss the last row written).
    left = pending.count()
    damaged = [{"video_id": v.video_id, "id": v.pk, "title": v.title, "problems": v.fixity_problems,
                "checked_at": v.fixity_checked_at}
               for v in videos.filter(fixity_status=FixityStatus.DAMAGED).order_by("video_id")]
    return {"archived": videos.count(), "ok": videos.filter(fixity_status=FixityStatus.OK).count(), "damaged": damaged,
            "pending": left}


def redownload(video: Video) -> Video:
    """Set the archived copy aside and queue the video again; the copy goes once the new one verifies."""
    from celery import current_app

    if video.status != VideoStatus.ARCHIVED:
        raise ConflictError(f"Video {video.video_id} is {video.status}: only an archived video is downloaded again.")
    folder = tree.video_dir(settings.ARCHIVE_ROOT, video.channel_id, video.video_id)
    if folder.is_dir():
        kept = tree.kept_copy_dir(settings.ARCHIVE_ROOT, video.channel_id, video.video_id, timezone.now())
        folder.rename(kept)
        log.info("fixity: channel=%s video=%s set aside as %s for a new download", video.channel_id,
                 video.video_id, kept.name)
    Video.objects.filter(pk=video.pk, status=VideoStatus.ARCHIVED).update(
        status=VideoStatus.NEW, attempts=0, failure_kind=FailureKind.NONE, last_error="", updated_at=timezone.now())
    current_app.send_task(task_names.QUEUE_DOWNLOADS, args=[video.channel_id], retry=True)
    return Video.objects.get(pk=video.pk)


def after_archived(video: Video) -> None:
    """A video just archived: the fresh manifest is its first check; a kept copy goes if the new one verifies."""
    Video.objects.filter(pk=video.pk).update(fixity_status=FixityStatus.OK, fixity_problems=[],
                                             fixity_checked_at=timezone.now())
    kept = tree.kept_copies(settings.ARCHIVE_ROOT, video.channel_id, video.video_id)
    if not kept:
        return
    folder = tree.video_dir(settings.ARCHIVE_ROOT, video.channel_id, video.video_id)
    report = fixity.verify(folder)
    if not report.ok:
        log.warning("fixity: channel=%s video=%s: the new copy does not verify (%s); the old one stays in %s",
                    video.channel_id, video.video_id, "; ".join(report.problems())[:300], kept[-1].name)
        Video.objects.filter(pk=video.pk).update(fixity_status=FixityStatus.DAMAGED,
                                                 fixity_problems=report.problems())
        return
    for path in kept:
        freed = tree.disk_usage(path)
        shutil.rmtree(path, ignore_errors=True)
        tallies.add_storage(-freed)
        log.info("fixity: channel=%s video=%s: new copy verified, old copy %s removed", video.channel_id,
                 video.video_id, path.name)
