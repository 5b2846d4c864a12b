"""Download-side Celery tasks: thin wrappers that parse arguments and call one service.

``download_video`` runs on the ``downloads`` queue, in workers that have no
database (YTARCHIVE_ROLE=download): it reports its outcome by sending
``record_download_outcome`` to the ``outcomes`` lane (config.lanes), where the database is.
It never retries by itself: a transient failure is an outcome like any other,
and the control side decides when to try again (downloads_app.outcomes).
A download that stops unfinished (the worker stopping, its deadline, Redis) is
handed back to the queue with its partial files kept for the next attempt; the
hand-backs are counted per video (archiver.state.handbacks) and the one that reaches
YTARCHIVE_MAX_HANDBACKS is reported as a transient failure instead. A worker
with a deadline hands a download back unstarted when it cannot expect to finish
it in time (downloads_app.worker_lifecycle.may_start).
Both tasks log with their message's channel and video ids on every line
(config.celery_logging binds them around each task run).
"""
from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import Reject
from django.conf import settings

from archiver import task_names
from archiver.download import action_for, archive_video, bounded_out
from archiver.egress import Pool
from archiver.messages import DownloadReport, DownloadRequest, MessageError
from archiver.state import handbacks, outcome_outbox, store, video_states
from archiver.vocabulary import HAND_BACK_REASON, VideoStatus, WorkerAction, WorkerResult
from downloads_app import worker_lifecycle
from downloads_app.worker_lifecycle import STOP

log = logging.getLogger(__name__)


@shared_task(name=task_names.DOWNLOAD_VIDEO, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def download_video(message: dict) -> str:
    try:
        request = DownloadRequest.from_dict(message)
    except MessageError as exc:
        log.error("download message refused: %s", exc)
        raise Reject(str(exc), requeue=False) from exc
    r = store.connect(settings.REDIS_URL)
    if not worker_lifecycle.may_start(r, request):  # too near this worker's deadline: not even started
        raise Reject(HAND_BACK_REASON, requeue=True)
    outcome = archive_video(request, settings.ARCHIVE_ROOT, r, settings.YTARCHIVE["LEASE_SECONDS"],
                            should_stop=STOP.is_set, pool=Pool.from_settings(settings.YTARCHIVE),
                            worker=worker_lifecycle.WORKER_NAME)
    worker_lifecycle.note_finished(outcome)
    action = action_for(outcome)
    if action is WorkerAction.DROP:
        return str(outcome.status)
    if action is WorkerAction.HAND_BACK:
        handed = _best_effort(handbacks.count, r, request.channel_id, request.video_id, outcome.done_fraction)
        if (handed or 0) < settings.YTARCHIVE["MAX_HANDBACKS"]:
            _best_effort(video_states.set_state, r, request.channel_id, request.video_id, VideoStatus.QUEUED)
            raise Reject(HAND_BACK_REASON, requeue=True)  # one INFO line (config.celery_logging)
        outcome = bounded_out(outcome, handed)
        log.warning("%s %s", request.context, outcome.reason)
    _best_effort(handbacks.forget, r, request.channel_id, request.video_id)
    report = outcome.report(request)
    # Until the control side decides (retrying or failed), a failed attempt waits as queued.
    live = VideoStatus.ARCHIVED if outcome.status is WorkerResult.ARCHIVED else VideoStatus.QUEUED
    _best_effort(video_states.set_state, r, request.channel_id, request.video_id, live)
    # The report is the record that counts: kept in the Redis outbox until applied (the
    # reconciler applies it even if this message is lost), and sent retrying through a restart.
    _best_effort(outcome_outbox.save_outcome, r, request.video_pk, report.as_dict())
    record_download_outcome.apply_async((report.as_dict(),), retry=True)
    return str(outcome.status)


def _best_effort(func, *args):
    """Live progress is advisory (the control side rebuilds it): never lose an outcome over it.
    ``func``'s answer, or None when Redis failed."""
    try:
        return func(*args)
    except Exception as exc:
        log.warning("live state not updated (%s): %s", func.__name__, exc)
        return None


@shared_task(name=task_names.RECORD_DOWNLOAD_OUTCOME, acks_late=True, ignore_result=True)
def record_download_outcome(report: dict) -> None:
    from downloads_app.outcomes import record_outcome

    record_outcome(DownloadReport.from_dict(report))


@shared_task(name=task_names.QUEUE_DOWNLOADS, acks_late=True, ignore_result=True)
def queue_downloads(channel_id: str) -> int:
    """Sent by a finished sync (by name): queue the channel's new videos."""
    from downloads_app.queueing import queue_new_videos

    return queue_new_videos(channel_id)


@shared_task(name=task_names.FEED_DOWNLOADS, ignore_result=True)
def feed_downloads() -> dict:
    """Fill the Redis window of download messages from the database's backlog (downloads_app.feeder):
    periodic, and nudged when an outcome frees room or videos are queued. Short (one round is a few
    queries and at most a window of messages) and guarded by a lease, so a redelivery never runs twice."""
    from archiver.state import feeder as feeder_state
    from downloads_app.feeder import feed, redis

    feeder_state.clear_nudge(redis())
    return feed()


@shared_task(name=task_names.RECONCILE_WORKERS, ignore_result=True)
def reconcile_workers() -> int:
    """Ask the scaler backend to match the worker count to the queue."""
    from downloads_app.scaling import reconcile

    return reconcile()


@shared_task(name=task_names.RECONCILE_LEASES, ignore_result=True)
def reconcile_leases() -> dict:
    """Outbox, dead workers' leases, due retries (downloads_app.reliability.reconcile)."""
    from downloads_app.reliability import reconcile

    return reconcile()


@shared_task(name=task_names.HOUSEKEEPING, ignore_result=True)
def housekeeping() -> dict:
    from downloads_app.reliability import housekeeping as run

    return run()


@shared_task(name=task_names.CHANGE_YTDLP, acks_late=False, ignore_result=True)
def change_ytdlp(job_id: str, action: str, version: str = "") -> dict:
    """Install, check and switch yt-dlp (or roll back): pip's minute on the control side, not in a request.

    Acked at once: a control worker that dies mid-install leaves a record the API reports as failed.
    """
    from downloads_app.ytdlp_updates import run_change

    return run_change(job_id, action, version)


@shared_task(name=task_names.YTDLP_DAILY_CHECK, ignore_result=True)
def ytdlp_daily_check() -> str:
    from downloads_app.ytdlp_updates import daily_check

    return daily_check()


@shared_task(name=task_names.TAKE_STATS_SAMPLE, ignore_result=True)
def take_stats_sample() -> int:
    """The stats page's sample of totals (downloads_app.stats.take_sample): a few queries, on maintenance."""
    from downloads_app.stats import take_sample

    return take_sample().pk
