"""The control side's safety nets: requeue downloads whose worker died, sweep what dead ones left.

A download holds a lease in Redis that its worker renews. When a worker dies
(SIGKILL, OOM, an evicted pod) the lease runs out within
YTARCHIVE_LEASE_SECONDS, and ``reconcile_leases`` (every
YTARCHIVE_RECONCILE_SECONDS) requeues the video, long before Redis's own
redelivery of the unacknowledged message would. A duplicate that arrives later
is harmless: the per-video lock and the "already archived" check stop it.
"""
from __future__ import annotations

import logging
import shutil
import time

from django.conf import settings

from archiver import state, tree
from channels_app.models import Channel, SyncJob
from downloads_app import services
from downloads_app.models import Video

log = logging.getLogger(__name__)


def apply_pending_outcomes() -> int:
    """Apply outcomes still in the Redis outbox (their message was lost or is stuck)."""
    applied = 0
    for video_pk, outcome in state.pending_outcomes(services.redis()).items():
        services.record_outcome(video_pk, outcome)
        applied += 1
    return applied


def reconcile_leases() -> int:
    """Apply stranded outcomes, then requeue videos whose lease expired with their worker.

    Returns how many videos were requeued.
    """
    r = services.redis()
    apply_pending_outcomes()
    requeued = 0
    for channel_id, video_id in state.expired_leases(r):
        state.drop_lease(r, channel_id, video_id)
        video = Video.objects.filter(channel_id=channel_id, video_id=video_id).first()
        if video is None:
            continue
        if tree.is_archived(settings.ARCHIVE_ROOT, channel_id, video_id):
            # The worker died after publishing the folder but before reporting it.
            services.record_outcome(video.pk, {"status": "archived", "attempts": video.attempts})
            continue
        if video.status == Video.Status.QUEUED:
            log.info("lease expired: requeue channel=%s video=%s", channel_id, video_id)
            services.requeue_queued(video)
            requeued += 1
    return requeued


def sweep_temp_dirs(min_age_seconds: float | None = None) -> list[str]:
    """Remove temp folders (and temp files) that no live download owns."""
    lease = settings.YTARCHIVE["LEASE_SECONDS"]
    min_age = 2 * lease if min_age_seconds is None else min_age_seconds
    r = services.redis()
    root = settings.ARCHIVE_ROOT
    removed = []
    cutoff = time.time() - min_age
    for path in tree.find_partial_files(root):
        if not path.name.startswith(tree.TEMP_PREFIX):
            continue  # yt-dlp's .part files live inside temp folders and go with them
        try:
            if path.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        owner = tree.temp_dir_owner(path)
        if owner and r.exists(state.lock_key(*owner)):
            continue  # a live download: its worker still renews the lock
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(str(path))
    if removed:
        log.info("housekeeping removed %s leftover temp path(s)", len(removed))
    return removed


def repair_progress() -> list[str]:
    """Rebuild the live counts of channels whose Redis state disagrees with the database."""
    repaired = []
    r = services.redis()
    busy = set(SyncJob.objects.filter(status__in=SyncJob.ACTIVE).values_list("channel_id", flat=True))
    for channel in Channel.objects.exclude(pk__in=busy):
        live = state.progress(r, channel.pk)
        counts = services.status_counts(channel)
        total = sum(counts.values())
        expected = {"total": total, "completed": counts.get(Video.Status.ARCHIVED, 0),
                    "failed": counts.get(Video.Status.FAILED, 0)}
        if live is None or any(live[k] != v for k, v in expected.items()):
            services.rebuild_progress(channel)
            repaired.append(channel.pk)
    if repaired:
        log.info("progress rebuilt from the database for %s", ", ".join(repaired))
    return repaired


def housekeeping() -> dict:
    return {"swept": len(sweep_temp_dirs()), "progress_repaired": len(repair_progress())}
