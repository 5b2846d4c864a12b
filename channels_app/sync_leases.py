"""The sync reconciler: no channel stays blocked by a sync whose worker died or whose message was lost.

Run every YTARCHIVE_RECONCILE_SECONDS by beat. Two cases:

* a running sync whose heartbeat is older than YTARCHIVE_LEASE_SECONDS: its
  worker died (SIGKILL, OOM, an evicted pod). It goes back to queued and is
  sent again (the listing is idempotent: the next attempt resumes), or, after
  YTARCHIVE_SYNC_ATTEMPTS attempts, fails with a reason;
* a queued sync sent longer than a lease ago and still unclaimed: its message
  was never published (Redis away at the time) or was lost with a worker. It
  is sent again; a duplicate is harmless, the claim takes one.

Every change is a conditional UPDATE checked by its row count, so two
reconcilers (or a reconciler and a late worker) never both act on one job.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from archiver.vocabulary import JobStatus
from channels_app.models import SyncJob
from channels_app.services import publish_sync

log = logging.getLogger(__name__)


def reconcile_syncs() -> dict:
    conf = settings.YTARCHIVE
    now = timezone.now()
    stale_before = now - timedelta(seconds=conf["LEASE_SECONDS"])
    resent = failed = 0
    for job in SyncJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before):
        same = SyncJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at=job.heartbeat_at)
        if job.attempts >= conf["SYNC_ATTEMPTS"]:
            reason = (f"its worker stopped answering {job.attempts} time(s) "
                      f"(last heartbeat {job.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC); giving up")
            if same.update(status=JobStatus.FAILED, finished_at=now, error=reason):
                log.warning("sync job=%s channel=%s failed: %s", job.pk, job.channel_id, reason)
                failed += 1
        elif same.update(status=JobStatus.QUEUED, enqueued_at=now):
            log.warning("sync job=%s channel=%s: heartbeat stale since %s, requeued (attempt %s of %s)",
                        job.pk, job.channel_id, job.heartbeat_at, job.attempts + 1, conf["SYNC_ATTEMPTS"])
            publish_sync(job.pk)
            resent += 1
    unsent = SyncJob.objects.filter(status=JobStatus.QUEUED).filter(
        Q(enqueued_at__lt=stale_before) | Q(enqueued_at__isnull=True, created_at__lt=stale_before))
    for job in unsent:
        if SyncJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED, enqueued_at=job.enqueued_at).update(
                enqueued_at=now):
            log.info("sync job=%s channel=%s unclaimed for a lease: sent again", job.pk, job.channel_id)
            publish_sync(job.pk)
            resent += 1
    return {"resent": resent, "failed": failed}
