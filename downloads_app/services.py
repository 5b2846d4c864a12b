"""Download bookkeeping on the control side: queue, record outcomes, retry, progress.

The database is the truth; Redis holds the live counts, kept in step here and
rebuilt from the database whenever Redis has lost them.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from archiver import state
from archiver.errors import ConflictError
from downloads_app.models import Video

log = logging.getLogger(__name__)

# Database status -> live state name.
LIVE_STATE = {
    Video.Status.NEW: "pending",
    Video.Status.QUEUED: "pending",
    Video.Status.ARCHIVED: "completed",
    Video.Status.FAILED: "failed",
}


def redis():
    return state.connect(settings.REDIS_URL)


def download_message(video: Video) -> dict:
    """Everything a download worker needs, as JSON: workers never read the database."""
    conf = settings.YTARCHIVE
    return {
        "video_pk": video.pk,
        "channel_id": video.channel_id,
        "video_id": video.video_id,
        "url": video.url,
        "options": {
            "format": conf["FORMAT"],
            "socket_timeout": conf["SOCKET_TIMEOUT"],
            "http_retries": conf["HTTP_RETRIES"],
            "rate_limit": conf["RATE_LIMIT"],
        },
    }


def queue_new_videos(channel) -> int:
    """Queue a download for every listed video not yet queued, archived or failed."""
    return _queue(Video.objects.filter(channel=channel, status=Video.Status.NEW))


def _queue(videos) -> int:
    from downloads_app.tasks import download_video

    total = 0
    for batch in _batched_ids(videos):
        stamp = timezone.now()
        with transaction.atomic():
            # Claim only rows still NEW: a concurrent retry and sync never queue one video twice.
            Video.objects.filter(pk__in=batch, status=Video.Status.NEW).update(
                status=Video.Status.QUEUED, queued_at=stamp
            )
            rows = list(Video.objects.filter(pk__in=batch, status=Video.Status.QUEUED, queued_at=stamp))
        by_channel: dict[str, list[str]] = {}
        for video in rows:
            by_channel.setdefault(video.channel_id, []).append(video.video_id)
        for channel_id, ids in by_channel.items():
            state.set_states(redis(), channel_id, ids, "pending", force=False)
        for video in rows:
            download_video.delay(download_message(video))
        total += len(rows)
    if total:
        from downloads_app.tasks import reconcile_workers

        reconcile_workers.delay()
    return total


def _batched_ids(videos, size: int = 500):
    ids = list(videos.order_by("-upload_date", "id").values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def requeue_queued(video: Video) -> None:
    """Send a fresh download task for a video still marked queued (its worker died)."""
    from downloads_app.tasks import download_video

    state.set_state(redis(), video.channel_id, video.video_id, "pending")
    download_video.delay(download_message(video))


def record_outcome(video_pk: int, outcome: dict) -> Video | None:
    """Apply a worker's report to the Video row (idempotent: an archived video stays archived)."""
    video = Video.objects.filter(pk=video_pk).first()
    if video is None:
        log.info("outcome for a video no longer known pk=%s", video_pk)
        state.clear_outcome(redis(), video_pk, outcome)
        return None
    status = outcome.get("status")
    now = timezone.now()
    if status == "archived":
        Video.objects.filter(pk=video_pk).update(
            status=Video.Status.ARCHIVED, failure_kind="", last_error="", archived_at=now,
            attempts=outcome.get("attempts", video.attempts),
            video_file=outcome.get("video_file") or video.video_file,
            size_bytes=outcome.get("size_bytes") or video.size_bytes,
            subtitles=outcome.get("subtitles") or video.subtitles,
            title=(outcome.get("title") or video.title)[:1000],
        )
        state.set_state(redis(), video.channel_id, video.video_id, "completed")
    elif status == "failed":
        changed = Video.objects.filter(pk=video_pk).exclude(status=Video.Status.ARCHIVED).update(
            status=Video.Status.FAILED, failure_kind=outcome.get("kind") or "transient",
            last_error=(outcome.get("reason") or "")[:5000], attempts=outcome.get("attempts", video.attempts),
        )
        if changed:
            state.set_state(redis(), video.channel_id, video.video_id, "failed")
    else:
        log.warning("unknown outcome %r for video pk=%s", status, video_pk)
    state.clear_outcome(redis(), video_pk, outcome)
    log.info("outcome recorded channel=%s video=%s status=%s", video.channel_id, video.video_id, status)
    return Video.objects.get(pk=video_pk)


def retry_video(video: Video) -> Video:
    """Requeue one failed video (permanent or dead-lettered); ConflictError otherwise."""
    moved = Video.objects.filter(pk=video.pk, status=Video.Status.FAILED).update(status=Video.Status.NEW)
    if not moved:
        raise ConflictError(f"Video {video.video_id} is {video.status}, not failed: nothing to retry.")
    _queue_failed_again(Video.objects.filter(pk=video.pk))
    return Video.objects.get(pk=video.pk)


def retry_failed(channel, dead_letter_only: bool = False) -> int:
    """Requeue every failed video of a channel at once; returns how many."""
    failed = Video.objects.filter(channel=channel, status=Video.Status.FAILED)
    if dead_letter_only:
        failed = failed.filter(failure_kind=Video.FailureKind.TRANSIENT)
    ids = list(failed.values_list("pk", flat=True))
    Video.objects.filter(pk__in=ids, status=Video.Status.FAILED).update(status=Video.Status.NEW)
    return _queue_failed_again(Video.objects.filter(pk__in=ids, status=Video.Status.NEW))


def _queue_failed_again(videos) -> int:
    videos.update(failure_kind="", last_error="")
    for channel_id, video_id in videos.values_list("channel_id", "video_id"):
        state.set_state(redis(), channel_id, video_id, "pending")
    return _queue(videos)


def progress(channel) -> dict:
    """Live counts from Redis; rebuilt from the database when Redis has none."""
    counts = state.progress(redis(), channel.id)
    if counts is None:
        counts = rebuild_progress(channel)
    return {
        "total": counts["total"], "pending": counts["pending"], "processing": counts["processing"],
        "completed": counts["completed"], "failed": counts["failed"],
        "downloading": downloads_in_flight(channel.id),
    }


def downloads_in_flight(channel_id: str) -> list[dict]:
    """The channel's downloads running now, with the byte counts their workers publish."""
    r = redis()
    flights = []
    for video_id in state.locked_videos(r, channel_id):
        live = state.download_progress(r, channel_id, video_id)
        flights.append({
            "video_id": video_id,
            "downloaded_bytes": int(float(live.get("downloaded_bytes") or 0)),
            "total_bytes": int(float(live["total_bytes"])) if live.get("total_bytes") else None,
            "speed": float(live["speed"]) if live.get("speed") else None,
        })
    return flights


def rebuild_progress(channel) -> dict:
    """Recount a channel's live state from the database (after Redis lost it).

    A queued video whose download lock is held right now counts as processing.
    """
    r = redis()
    locked = set(state.locked_videos(r, channel.id))
    states = {
        video_id: "processing" if status == Video.Status.QUEUED and video_id in locked else LIVE_STATE[status]
        for video_id, status in Video.objects.filter(channel=channel).values_list("video_id", "status")
    }
    return state.rebuild_progress(r, channel.id, states)


def status_counts(channel) -> dict:
    rows = Video.objects.filter(channel=channel).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
