"""Download-side Celery tasks: thin wrappers that parse arguments and call one service.

``download_video`` runs on the ``downloads`` queue, in workers that have no
database: it reports its outcome by sending ``record_download_outcome`` to the
``control`` queue, where the database is.
"""
from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from archiver import state
from archiver.download import archive_video

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
    outcome = archive_video(message, settings.ARCHIVE_ROOT, r, _CONF["LEASE_SECONDS"])
    if outcome.status == "busy":
        return "busy"
    if outcome.status == "failed" and outcome.kind == "transient" and self.request.retries < self.max_retries:
        state.set_state(r, message["channel_id"], message["video_id"], "pending")
        countdown = retry_countdown(self.request.retries)
        log.info("channel=%s video=%s retry %s/%s in %.0fs", message["channel_id"], message["video_id"],
                 self.request.retries + 1, self.max_retries, countdown)
        raise self.retry(countdown=countdown)
    report = outcome.as_dict()
    report["attempts"] = self.request.retries + 1
    if outcome.status == "failed":
        state.set_state(r, message["channel_id"], message["video_id"], "failed")
    elif not outcome.already:
        state.set_state(r, message["channel_id"], message["video_id"], "completed")
    record_download_outcome.apply_async((message["video_pk"], report), queue="control")
    return outcome.status


@shared_task(acks_late=True, ignore_result=True)
def record_download_outcome(video_pk: int, outcome: dict) -> None:
    from downloads_app.services import record_outcome

    record_outcome(video_pk, outcome)


@shared_task(ignore_result=True)
def reconcile_workers() -> int:
    """Ask the scaler backend to match the worker count to the queue."""
    from downloads_app.scaling import reconcile

    return reconcile()
