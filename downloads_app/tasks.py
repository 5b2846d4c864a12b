"""Download-side Celery tasks: thin wrappers that parse arguments and call one service.

``download_video`` runs on the ``downloads`` queue, in workers that have no
database: it reports its outcome by sending ``record_download_outcome`` to the
``control`` queue, where the database is.
"""
from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import Reject
from django.conf import settings

from archiver import state
from archiver.download import archive_video
from downloads_app.worker_lifecycle import STOP

log = logging.getLogger(__name__)
_CONF = settings.YTARCHIVE


def retry_countdown(retries_so_far: int) -> float:
    """Exponential backoff: base * 2^n (5 min, 10 min, 20 min by default)."""
    return _CONF["RETRY_BASE_SECONDS"] * (2 ** retries_so_far)


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True,
    max_retries=_CONF["DOWNLOAD_RETRIES"],
)
def download_video(self, message: dict) -> str:
    r = state.connect(settings.REDIS_URL)
    outcome = archive_video(message, settings.ARCHIVE_ROOT, r, _CONF["LEASE_SECONDS"], should_stop=STOP.is_set)
    if outcome.status in ("busy", "cancelled"):
        return outcome.status
    if outcome.status == "interrupted":
        _best_effort(state.set_state, r, message["channel_id"], message["video_id"], "pending")
        raise Reject("worker stopping: download handed back", requeue=True)
    if outcome.status == "failed" and outcome.kind == "transient" and self.request.retries < self.max_retries:
        _best_effort(state.set_state, r, message["channel_id"], message["video_id"], "pending")
        countdown = retry_countdown(self.request.retries)
        log.info("channel=%s video=%s retry %s/%s in %.0fs", message["channel_id"], message["video_id"],
                 self.request.retries + 1, self.max_retries, countdown)
        raise self.retry(countdown=countdown)
    report = outcome.as_dict()
    report["attempts"] = self.request.retries + 1
    live = "failed" if outcome.status == "failed" else "completed"
    _best_effort(state.set_state, r, message["channel_id"], message["video_id"], live)
    # The outcome is the record that counts: kept in the Redis outbox until applied (the
    # reconciler applies it even if this message is lost), and sent retrying through a restart.
    _best_effort(state.save_outcome, r, message["video_pk"], report)
    record_download_outcome.apply_async((message["video_pk"], report), queue="control", retry=True)
    return outcome.status


def _best_effort(func, *args) -> None:
    """Live progress is advisory (the control side rebuilds it): never lose an outcome over it."""
    try:
        func(*args)
    except Exception as exc:
        log.warning("live state not updated (%s): %s", func.__name__, exc)


@shared_task(acks_late=True, ignore_result=True)
def record_download_outcome(video_pk: int, outcome: dict) -> None:
    from downloads_app.services import record_outcome

    record_outcome(video_pk, outcome)


@shared_task(ignore_result=True)
def reconcile_workers() -> int:
    """Ask the scaler backend to match the worker count to the queue."""
    from downloads_app.scaling import reconcile

    return reconcile()


@shared_task(ignore_result=True)
def reconcile_leases() -> int:
    from downloads_app.reliability import reconcile_leases as run

    return run()


@shared_task(ignore_result=True)
def housekeeping() -> dict:
    from downloads_app.reliability import housekeeping as run

    return run()
