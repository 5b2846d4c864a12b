"""Putting downloads on the queue: new videos, due retries, requeues and manual retries.

Every path claims rows with a conditional UPDATE from the status it expects,
so a sync, the reconciler and a user pressing "retry" at the same moment never
queue one video twice. Queueing is a change in the database alone; the feeder
(downloads_app.feeder) sends the messages, a window at a time, so the Redis
queue holds only work that can run now: videos waiting for a retry stay in the
database (``retrying``) until due, queued ones (``fed_at`` empty) until fed.
"""
from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archiver import task_names
from archiver.errors import ConflictError
from archiver.state import store, video_states
from archiver.vocabulary import FailureKind, VideoStatus
from channels_app.models import Video
from downloads_app import feeder

log = logging.getLogger(__name__)


def redis():
    return store.connect(settings.REDIS_URL)


def max_attempts() -> int:
    return settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1


def queue_new_videos(channel_id: str) -> int:
    """Queue a download for every listed video not yet queued, archived or failed."""
    return _claim(Video.objects.filter(channel_id=channel_id), VideoStatus.NEW)


def queue_due_retries(now=None) -> int:
    """Queue retrying videos whose ``next_attempt_at`` has come (the reconciler calls this)."""
    return _claim(Video.objects.filter(next_attempt_at__lte=now or timezone.now()), VideoStatus.RETRYING)


def _claim(videos, from_status: VideoStatus, **reset) -> int:
    """Move ``videos`` that are ``from_status`` to ``queued``, in the database alone (bulk UPDATEs of
    ranges of 5,000 ids, each conditional on the status it expects), then nudge the feeder, which sends
    their messages as their site's window has room (downloads_app.feeder). ``reset``: fields set too."""
    rows = list(videos.filter(status=from_status).order_by("pk").values_list("pk", "channel_id", "video_id"))
    total = 0
    for batch in _batches(rows):
        stamp = timezone.now()
        ids = {"pk__gte": batch[0][0], "pk__lte": batch[-1][0]}  # a range: no list of ids to send
        with transaction.atomic():
            moved = videos.filter(status=from_status, **ids).update(
                status=VideoStatus.QUEUED, queued_at=stamp, fed_at=None, next_attempt_at=None, updated_at=stamp,
                **reset)
            if moved != len(batch):  # some changed meanwhile: which did move, by the stamp
                batch = list(videos.filter(status=VideoStatus.QUEUED, queued_at=stamp, **ids)
                             .values_list("pk", "channel_id", "video_id"))
        total += moved
        by_channel: dict[str, list[str]] = {}
        for _, channel_id, video_id in batch:
            by_channel.setdefault(channel_id, []).append(video_id)
        for channel_id, video_ids in by_channel.items():
            video_states.set_states(redis(), channel_id, video_ids, VideoStatus.QUEUED)
    if total:
        feeder.nudge()
        current_app.send_task(task_names.RECONCILE_WORKERS)
    return total


def _batches(rows: list, size: int = 5000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def requeue_queued(video: Video) -> None:
    """A video still marked queued whose message is gone (its worker died): back into the backlog, so
    the feeder sends it anew (conditional on the window stamp it had)."""
    video_states.set_state(redis(), video.channel_id, video.video_id, VideoStatus.QUEUED)
    if feeder.take_back(video.pk, video.fed_at):
        feeder.nudge()


def retry_video(video: Video) -> Video:
    """Requeue one failed or retrying video now, with its attempts counted afresh."""
    moved = 0
    for status in (VideoStatus.FAILED, VideoStatus.RETRYING):
        moved += _claim(Video.objects.filter(pk=video.pk), status, attempts=0, failure_kind=FailureKind.NONE)
    if not moved:
        raise ConflictError(f"Video {video.video_id} is {video.status}, not failed: nothing to retry.")
    return Video.objects.get(pk=video.pk)


def retry_failed(channel_id: str | None = None, dead_letter_only: bool = False) -> int:
    """Requeue every failed video (of one channel, or all) at once; returns how many."""
    failed = Video.objects.all()
    if channel_id is not None:
        failed = failed.filter(channel_id=channel_id)
    if dead_letter_only:
        failed = failed.filter(failure_kind=FailureKind.TRANSIENT)
    return _claim(failed, VideoStatus.FAILED, attempts=0, failure_kind=FailureKind.NONE)


def queue_new_videos_in(videos) -> int:
    return _claim(videos, VideoStatus.NEW)
