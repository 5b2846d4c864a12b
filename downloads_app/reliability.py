"""The control side's safety nets for downloads: nothing waits forever, nothing is lost.

* ``reconcile`` (every YTARCHIVE_RECONCILE_SECONDS): applies outcomes stranded
  in the Redis outbox, puts back into the backlog videos whose lease expired
  with their worker (long before Redis's own redelivery of the unacknowledged
  message) or whose message was lost, and queues retrying videos whose time has
  come; the feeder (downloads_app.feeder) sends them again. A duplicate that arrives later is
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

from archiver import archived_folder, tree
from archiver.messages import DownloadReport, MessageError
from archiver.state import broker_queue, download_locks, outcome_outbox
from archiver.vocabulary import ACTIVE_JOB, OutcomeStatus, VideoStatus
from channels_app import progress, schedules
from channels_app.models import Channel, SyncJob, Video
from downloads_app import feeder, queueing
from downloads_app.outcomes import record_outcome

log = logging.getLogger(__name__)


def apply_pending_outcomes() -> int:
    """Apply outcomes still in the Redis outbox (their message was lost or is stuck)."""
    applied = 0
    r = queueing.redis()
    for raw in outcome_outbox.pending_outcomes(r):
        try:
            report = DownloadReport.from_dict(raw)
        except MessageError as exc:
            log.error("dropping a malformed outcome from the outbox: %s (%s)", exc, raw)
            outcome_outbox.clear_outcome(r, raw.get("video_pk", -1), raw)
            continue
        record_outcome(report)
        applied += 1
    return applied


def requeue_expired_leases() -> int:
    """Requeue videos whose download lease ran out with their worker; returns how many."""
    r = queueing.redis()
    requeued = 0
    for channel_id, video_id in download_locks.expired_leases(r):
        download_locks.drop_lease(r, channel_id, video_id)
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
    """Take back into the backlog the videos in the window whose message is gone.

    A Redis restart (or a worker that died holding prefetched messages) can
    lose a message that no lease ever covered; its video stays in the window
    (queued, ``fed_at`` set) and would hold its place there for good. A video
    fed two leases ago that no worker has locked, and whose message is neither
    waiting in the download queue nor taken by a worker within two leases (the
    window keeps both short enough to read), has lost it: ``fed_at`` is
    emptied (conditionally, so only once) and the feeder sends it anew. A late
    duplicate is harmless (the lock and the "already archived" check stop it).

    "Taken within two leases": a worker locks its video within moments of taking
    the message (prefetch is one per slot), so a message taken longer ago whose
    video nobody locked is one its worker dropped when it lost Redis; kombu would
    hand it out again only after its visibility timeout, an hour later.
    """
    r = queueing.redis()
    two_leases = 2 * settings.YTARCHIVE["LEASE_SECONDS"]
    in_broker = broker_queue.download_message_pks(r, taken_within=two_leases)
    if in_broker is None:
        return 0  # more messages than a window holds (before the feeder): none is presumed lost
    stale = timezone.now() - timedelta(seconds=two_leases)
    taken = 0
    for video in Video.objects.filter(status=VideoStatus.QUEUED, fed_at__lt=stale).only(
            "pk", "channel_id", "video_id", "fed_at")[:limit]:
        if video.pk in in_broker or r.exists(download_locks.lock_key(video.channel_id, video.video_id)):
            continue
        if feeder.take_back(video.pk, video.fed_at):
            log.info("fed without a message left: back to the backlog channel=%s video=%s", video.channel_id,
                     video.video_id)
            taken += 1
    if taken:
        feeder.nudge()
    return taken


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
        if owner and r.exists(download_locks.lock_key(*owner)):
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
    busy = set(SyncJob.objects.filter(status__in=ACTIVE_JOB).values_list("channel_id", flat=True))
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
