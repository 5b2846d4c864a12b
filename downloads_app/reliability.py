"""The control side's safety nets for downloads: nothing waits forever, nothing is lost.

* ``reconcile`` (every YTARCHIVE_RECONCILE_SECONDS): applies outcomes stranded
  in the Redis outbox, requeues videos whose lease expired with their worker
  (long before Redis's own redelivery of the unacknowledged message), and
  queues retrying videos whose time has come. A duplicate that arrives later is
  harmless: the per-video lock and the "already archived" check stop it.
* ``housekeeping`` (every YTARCHIVE_HOUSEKEEPING_SECONDS): removes temp
  folders no live download owns (a download's partial files stay while its
  video still waits for one, up to YTARCHIVE_PARTIAL_KEEP_HOURS without a
  write: the next attempt resumes them), and rebuilds live counts that drifted.
"""
from __future__ import annotations

import logging
import shutil
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from archiver import archived_folder, state, tree
from archiver.messages import DownloadReport, MessageError
from archiver.statuses import ACTIVE_SYNC, OutcomeStatus, VideoStatus
from channels_app import progress, schedules
from channels_app.models import Channel, SyncJob, Video
from downloads_app import queueing
from downloads_app.outcomes import record_outcome

log = logging.getLogger(__name__)


def apply_pending_outcomes() -> int:
    """Apply outcomes still in the Redis outbox (their message was lost or is stuck)."""
    applied = 0
    r = queueing.redis()
    for raw in state.pending_outcomes(r):
        try:
            report = DownloadReport.from_dict(raw)
        except MessageError as exc:
            log.error("dropping a malformed outcome from the outbox: %s (%s)", exc, raw)
            state.clear_outcome(r, raw.get("video_pk", -1), raw)
            continue
        record_outcome(report)
        applied += 1
    return applied


def requeue_expired_leases() -> int:
    """Requeue videos whose download lease ran out with their worker; returns how many."""
    r = queueing.redis()
    requeued = 0
    for channel_id, video_id in state.expired_leases(r):
        state.drop_lease(r, channel_id, video_id)
        video = Video.objects.filter(channel_id=channel_id, video_id=video_id).first()
        if video is None:
            continue
        if tree.is_archived(settings.ARCHIVE_ROOT, channel_id, video_id):
            # The worker died after publishing the folder but before reporting it.
            folder = tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id)
            record_outcome(DownloadReport(video_pk=video.pk, channel_id=channel_id, video_id=video_id,
                                          attempt=video.attempts + 1, status=OutcomeStatus.ARCHIVED,
                                          **archived_folder.facts(folder)))
            continue
        if video.status == VideoStatus.QUEUED:
            log.info("lease expired: requeue channel=%s video=%s", channel_id, video_id)
            queueing.requeue_queued(video)
            requeued += 1
    return requeued


def requeue_lost_messages(limit: int = 500) -> int:
    """Send again the downloads of videos still queued whose message is gone.

    A Redis restart (or a worker that died holding prefetched messages) can
    lose a message that no lease ever covered. When the download queue is
    empty, a video queued for two leases that no worker has locked has no
    message left anywhere that will run soon: it is sent again. A duplicate
    is harmless (the lock and the "already archived" check stop it).
    """
    r = queueing.redis()
    if state.queue_length(r) > 0:
        return 0
    now = timezone.now()
    stale = now - timedelta(seconds=2 * settings.YTARCHIVE["LEASE_SECONDS"])
    sent = 0
    for video in Video.objects.filter(status=VideoStatus.QUEUED, queued_at__lt=stale)[:limit]:
        if r.exists(state.lock_key(video.channel_id, video.video_id)):
            continue
        if Video.objects.filter(pk=video.pk, status=VideoStatus.QUEUED, queued_at=video.queued_at).update(
                queued_at=now):
            log.info("queued without a message: sent again channel=%s video=%s", video.channel_id, video.video_id)
            queueing.requeue_queued(video)
            sent += 1
    return sent


def reconcile() -> dict:
    return {
        "outcomes_applied": apply_pending_outcomes(),
        "requeued": requeue_expired_leases(),
        "retries_queued": queueing.queue_due_retries(),
        "lost_messages_resent": requeue_lost_messages(),
    }


def sweep_temp_dirs(min_age_seconds: float | None = None) -> list[str]:
    """Remove temp folders (and temp files) that no live download owns."""
    lease = settings.YTARCHIVE["LEASE_SECONDS"]
    min_age = 2 * lease if min_age_seconds is None else min_age_seconds
    r = queueing.redis()
    removed = []
    cutoff = time.time() - min_age
    for path in tree.find_temp_paths(settings.ARCHIVE_ROOT):
        try:
            if path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        owner = tree.temp_dir_owner(path)
        if owner and r.exists(state.lock_key(*owner)):
            continue  # a live download: its worker still renews the lock
        if owner and tree.is_resume_dir(path) and _worth_resuming(path, *owner):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(str(path))
    if removed:
        log.info("housekeeping removed %s leftover temp path(s)", len(removed))
    return removed


_WAITING = (VideoStatus.NEW, VideoStatus.QUEUED, VideoStatus.RETRYING)


def _worth_resuming(path, channel_id: str, video_id: str) -> bool:
    """A stopped download's partial files, kept while its video still waits to be downloaded and
    something was written there within YTARCHIVE_PARTIAL_KEEP_HOURS."""
    keep = settings.YTARCHIVE["PARTIAL_KEEP_HOURS"] * 3600
    if tree.newest_mtime(path) < time.time() - keep:
        return False
    return Video.objects.filter(channel_id=channel_id, video_id=video_id, status__in=_WAITING).exists()


def repair_progress() -> list[str]:
    """Rebuild the live counts of channels whose Redis state disagrees with the database."""
    busy = set(SyncJob.objects.filter(status__in=ACTIVE_SYNC).values_list("channel_id", flat=True))
    channel_ids = Video.objects.exclude(channel_id__in=busy).values_list("channel_id", flat=True).distinct()
    repaired = [cid for cid in channel_ids.order_by("channel_id") if progress.drifted(cid)]
    for channel_id in repaired:
        progress.rebuild_progress(channel_id)
    if repaired:
        log.info("progress rebuilt from the database for %s", ", ".join(repaired))
    return repaired


def housekeeping() -> dict:
    return {"swept": len(sweep_temp_dirs()), "progress_repaired": len(repair_progress()),
            "schedules": schedules.ensure_all(Channel.objects.all())}
