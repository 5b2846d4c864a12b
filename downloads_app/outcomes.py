"""Applying a worker's report to its video: the control side's half of every download.

The decision (archived, failed, or retrying at a time with jitter) is the pure
``archiver.retry_policy.next_step``; this module only writes it down, once.
Reports can arrive twice (the message and the Redis outbox, or a redelivered
task): a failure is applied only to the attempt it reports, from ``queued``,
and an archived video never goes back.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archiver import log_context
from archiver.messages import DownloadReport
from archiver.retry_policy import next_step
from archiver.state import outcome_outbox, video_states
from archiver.upstream_text import best_title
from archiver.vocabulary import CountedOutcome, FailureKind, VideoStatus
from channels_app import tallies
from channels_app.models import Video
from downloads_app.queueing import max_attempts, redis

log = logging.getLogger(__name__)


def record_outcome(report: DownloadReport) -> Video | None:
    """Apply one report (from its task, or from the outbox by the reconciler), its ids on every log line."""
    with log_context.bound(channel_id=report.channel_id, video_id=report.video_id, attempt=report.attempt):
        return _record(report)


def _record(report: DownloadReport) -> Video | None:
    r = redis()
    video = Video.objects.filter(pk=report.video_pk).first()
    if video is None:
        log.info("outcome for a video no longer known pk=%s", report.video_pk)
        outcome_outbox.clear_outcome(r, report.video_pk, report.as_dict())
        return None
    now = timezone.now()
    step = next_step(report.status, report.kind, report.attempt, max_attempts(),
                     settings.YTARCHIVE["RETRY_BASE_SECONDS"], now, paused_until=_pause_end(r, video, now))
    with transaction.atomic():
        changed = _apply(video, report, step, now)
        if changed:  # counted once, with the fact it counts (/metrics)
            label = CountedOutcome.PAUSED if step.failure_kind is FailureKind.BLOCKED else CountedOutcome(step.status)
            tallies.record_download(label, report.seconds,
                                    report.disk_bytes if step.status is VideoStatus.ARCHIVED else 0)
    if changed and step.status is VideoStatus.ARCHIVED:
        from channels_app.fixity_checks import after_archived

        after_archived(video)
        from text_app.ingest import after_archived as words_after_archived

        words_after_archived(video)  # its subtitles as cues, its comments.json as comments (the search's)
        from channels_app.archive_events import video_published

        video_published.send(sender=None, channel_id=video.channel_id, video_id=video.video_id)
    new_date = _known_facts(video, report).get("upload_date")
    if changed and new_date and new_date != video.upload_date:  # uploads.json lacks it: rewritten soon, once a burst
        from channels_app.uploads_file import rewrite_soon

        rewrite_soon(video.channel_id)
    if changed:
        video_states.set_state(r, video.channel_id, video.video_id, step.status)
        log.info("outcome recorded channel=%s video=%s attempt=%s/%s -> %s%s", video.channel_id,
                 video.video_id, report.attempt, max_attempts(), step.status,
                 f" at {step.next_attempt_at:%H:%M:%S}" if step.next_attempt_at else "")
    else:
        log.info("outcome already applied channel=%s video=%s attempt=%s", video.channel_id, video.video_id,
                 report.attempt)
    outcome_outbox.clear_outcome(r, report.video_pk, report.as_dict())
    if changed:  # out of the window: room for the next video of the backlog
        from downloads_app.feeder import nudge

        nudge()
    return Video.objects.get(pk=video.pk)


def _pause_end(r, video: Video, now):
    """When some egress identity may ask the video's site again (a blocked outcome waits for it:
    the first pause to end, or the first budget to free); None when Redis cannot say."""
    from datetime import UTC, datetime

    from archiver.egress import Pool, ready_at

    pool = Pool.from_settings(settings.YTARCHIVE)
    try:
        at = ready_at(r, pool, pool.site(video.url), now.timestamp())
    except Exception:  # Redis away: retry soon, the worker will find out again
        return None
    return datetime.fromtimestamp(at, UTC)


def _apply(video: Video, report: DownloadReport, step, now) -> int:
    """Write the step down if it still applies; the number of rows changed (0 or 1)."""
    rows = Video.objects.filter(pk=video.pk)
    if step.status is VideoStatus.ARCHIVED:
        changed = rows.exclude(status=VideoStatus.ARCHIVED).update(
            status=VideoStatus.ARCHIVED, failure_kind=FailureKind.NONE, last_error="", next_attempt_at=None,
            archived_at=now, updated_at=now, attempts=max(video.attempts, report.attempt),
            video_file=report.video_file or video.video_file, size_bytes=report.size_bytes or video.size_bytes,
            subtitles=list(report.subtitles) or video.subtitles, title=best_title(video.title, report.title)[:1000],
            format_id=report.format_id or video.format_id, height=report.height or video.height,
            description=report.description or video.description,
            **_known_facts(video, report),
        )
    elif step.failure_kind is FailureKind.BLOCKED:  # its site paused: waits, the attempt not counted
        changed = rows.filter(status=VideoStatus.QUEUED, attempts__lt=report.attempt).update(
            status=step.status, failure_kind=step.failure_kind, last_error=report.reason[:5000],
            next_attempt_at=step.next_attempt_at, updated_at=now,
        )
    else:
        changed = rows.filter(status=VideoStatus.QUEUED, attempts__lt=report.attempt).update(
            status=step.status, failure_kind=step.failure_kind, last_error=report.reason[:5000],
            attempts=report.attempt, next_attempt_at=step.next_attempt_at, updated_at=now,
            **_known_facts(video, report),
        )
    return changed


def _known_facts(video: Video, report: DownloadReport) -> dict:
    """The date and length the video's own page gave, where the listing did not (YouTube's never dates)."""
    facts = {}
    if report.upload_date and len(report.upload_date) == 8 and report.upload_date.isdigit():
        facts["upload_date"] = report.upload_date
    if report.duration > 0 and not video.duration:
        facts["duration"] = report.duration
    return facts
