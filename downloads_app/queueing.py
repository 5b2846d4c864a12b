"""Putting downloads on the queue: new videos, due retries, requeues and manual retries.

Every path claims rows with a conditional UPDATE from the status it expects,
so a sync, the reconciler and a user pressing "retry" at the same moment never
queue one video twice. The Redis queue holds only work that can run now:
videos waiting for a retry stay in the database (``retrying``) until due.
"""
from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archiver import state
from archiver.errors import ConflictError
from archiver.messages import DownloadOptions, DownloadRequest
from archiver.statuses import FailureKind, VideoStatus
from channels_app.models import Video
from channels_app.options import channel_profile, cookies_handover

log = logging.getLogger(__name__)
DOWNLOAD_TASK = "downloads_app.tasks.download_video"
RECONCILE_WORKERS_TASK = "downloads_app.tasks.reconcile_workers"


def redis():
    return state.connect(settings.REDIS_URL)


def max_attempts() -> int:
    return settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1


def download_request(video: Video) -> DownloadRequest:
    """Everything a download worker needs: workers never read the database (nor DATA_DIR: the
    channel's cookies go through Redis, archiver.cookies)."""
    conf = settings.YTARCHIVE
    channel = video.channel
    profile = channel_profile(channel)
    return DownloadRequest(
        video_pk=video.pk, channel_id=video.channel_id, video_id=video.video_id, url=video.url,
        attempt=video.attempts + 1, title=video.title, description=video.description,
        duration=float(video.duration or 0.0),
        options=DownloadOptions(format=conf["FORMAT"], socket_timeout=conf["SOCKET_TIMEOUT"],
                                http_retries=conf["HTTP_RETRIES"],
                                rate_limit=channel.rate_limit if channel.rate_limit is not None else conf["RATE_LIMIT"],
                                max_height=profile.max_height, container=profile.container,
                                audio_only=profile.audio_only, sleep_min=profile.sleep_min,
                                sleep_max=profile.sleep_max,
                                channel_limit=channel.max_concurrent if channel.max_concurrent is not None
                                else conf["CHANNEL_CONCURRENCY"],
                                published_after=profile.published_after, sleep_requests=profile.sleep_requests,
                                sponsorblock_mark=profile.sponsorblock_mark,
                                sponsorblock_remove=profile.sponsorblock_remove,
                                sponsorblock_api=conf["SPONSORBLOCK_API"],
                                cookies_key=cookies_handover(redis(), channel),
                                write_nfo=profile.write_nfo, extractor_args=channel.extractor_args),
    )


def send_download(video: Video) -> None:
    current_app.send_task(DOWNLOAD_TASK, args=[download_request(video).as_dict()], queue="downloads", retry=True)


def queue_new_videos(channel_id: str) -> int:
    """Queue a download for every listed video not yet queued, archived or failed."""
    return _claim_and_send(Video.objects.filter(channel_id=channel_id, status=VideoStatus.NEW), VideoStatus.NEW)


def queue_due_retries(now=None, limit: int = 2000) -> int:
    """Queue retrying videos whose ``next_attempt_at`` has come (the reconciler calls this)."""
    due = Video.objects.filter(status=VideoStatus.RETRYING, next_attempt_at__lte=now or timezone.now())
    return _claim_and_send(due[:limit], VideoStatus.RETRYING)


def _claim_and_send(videos, from_status: VideoStatus) -> int:
    total = 0
    for batch in _batched_ids(videos):
        stamp = timezone.now()
        with transaction.atomic():
            Video.objects.filter(pk__in=batch, status=from_status).update(
                status=VideoStatus.QUEUED, queued_at=stamp, next_attempt_at=None, updated_at=stamp)
            rows = list(Video.objects.filter(pk__in=batch, status=VideoStatus.QUEUED, queued_at=stamp)
                        .select_related("channel"))
        by_channel: dict[str, list[str]] = {}
        for video in rows:
            by_channel.setdefault(video.channel_id, []).append(video.video_id)
        for channel_id, ids in by_channel.items():
            state.set_states(redis(), channel_id, ids, VideoStatus.QUEUED)
        for video in rows:
            send_download(video)
        total += len(rows)
    if total:
        current_app.send_task(RECONCILE_WORKERS_TASK)
    return total


def _batched_ids(videos, size: int = 500):
    ids = list(videos.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def requeue_queued(video: Video) -> None:
    """Send a fresh download task for a video still marked queued (its worker died)."""
    state.set_state(redis(), video.channel_id, video.video_id, VideoStatus.QUEUED)
    send_download(video)


def retry_video(video: Video) -> Video:
    """Requeue one failed or retrying video now, with its attempts counted afresh."""
    moved = Video.objects.filter(pk=video.pk, status__in=(VideoStatus.FAILED, VideoStatus.RETRYING)).update(
        status=VideoStatus.NEW, attempts=0, failure_kind=FailureKind.NONE, next_attempt_at=None,
        updated_at=timezone.now())
    if not moved:
        raise ConflictError(f"Video {video.video_id} is {video.status}, not failed: nothing to retry.")
    queue_new_videos_in(Video.objects.filter(pk=video.pk))
    return Video.objects.get(pk=video.pk)


def retry_failed(channel_id: str | None = None, dead_letter_only: bool = False) -> int:
    """Requeue every failed video (of one channel, or all) at once; returns how many."""
    failed = Video.objects.filter(status=VideoStatus.FAILED)
    if channel_id is not None:
        failed = failed.filter(channel_id=channel_id)
    if dead_letter_only:
        failed = failed.filter(failure_kind=FailureKind.TRANSIENT)
    ids = list(failed.values_list("pk", flat=True))
    Video.objects.filter(pk__in=ids, status=VideoStatus.FAILED).update(
        status=VideoStatus.NEW, attempts=0, failure_kind=FailureKind.NONE, updated_at=timezone.now())
    return queue_new_videos_in(Video.objects.filter(pk__in=ids))


def queue_new_videos_in(videos) -> int:
    return _claim_and_send(videos.filter(status=VideoStatus.NEW), VideoStatus.NEW)
