"""How download workers end: by themselves when idle, and within a bounded time when told to stop.

* Idle exit: once the queue has stayed empty (and the worker has nothing
  reserved) for YTARCHIVE_WORKER_IDLE_SECONDS, the worker shuts itself down,
  so a Kubernetes Job completes and a ``local`` worker process ends.
* Bounded stop: on SIGTERM (a pod being stopped, Ctrl-C) the download in
  flight is interrupted at its next progress tick and handed back to the
  queue unfinished (its partial files kept in its download folder, for the
  next attempt to resume), and the worker exits. If the
  download does not yield within YTARCHIVE_SHUTDOWN_GRACE_SECONDS, the worker
  does a cold shutdown; the lease then expires and the control side requeues
  the video. Either way no half-written file is ever under a final name.
* Deadline (YTARCHIVE_WORKER_DEADLINE_SECONDS, a Job's activeDeadlineSeconds):
  a download that cannot be expected to finish in the time left is handed back
  unstarted, and the worker then takes no more work and exits once idle; at the
  deadline less the grace it stops as on SIGTERM (archiver.deadline).

* Roll call: every few seconds the worker marks itself alive in Redis
  (``worker_presence.mark_worker_alive``; the yt-dlp version it runs beside it, archiver.state.ytdlp), and leaves
  the roll when it shuts down, so
  ``ytarchive_active_workers`` counts local workers and Jobs alike; one that
  dies unheard drops out when its mark expires.

Only workers that consume the ``downloads`` queue do this; the control worker stays.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time

from celery.signals import worker_ready, worker_shutdown, worker_shutting_down
from celery.worker import state as worker_state
from django.conf import settings

from archiver import deadline
from archiver.download import Outcome
from archiver.messages import DownloadRequest
from archiver.state import broker_queue, handbacks, store, worker_presence
from archiver.state import ytdlp as ytdlp_state
from archiver.vocabulary import WorkerResult
from archiver.ytdlp import params, versions

log = logging.getLogger(__name__)

STOP = threading.Event()  # set when this download worker is shutting down
_IS_DOWNLOAD_WORKER = threading.Event()
_GONE = threading.Event()  # set once the worker has left the roll
_DRAINING = threading.Event()  # set once its deadline is too near for new work: it exits when idle
_DEADLINE: list[deadline.Deadline] = []  # this download worker's, when it has one
_HOSTNAME: list[str] = []  # its Celery node name, to stop its own consumer
PACE = deadline.Pace(0.5)
ROLL_CALL_SECONDS = 5.0
WORKER_NAME = worker_presence.worker_name()


def _consumes_downloads(consumer) -> bool:
    try:
        return any(q.name == broker_queue.DOWNLOADS_QUEUE for q in consumer.task_consumer.queues)
    except AttributeError:
        return False


def _busy() -> bool:
    """Running, reserved, or holding a retry until its countdown ends (Celery keeps those)."""
    return bool(worker_state.active_requests or worker_state.reserved_requests
                or worker_state.scheduled_requests)


def _watch_idle(idle_seconds: float, poll: float) -> None:
    r = store.connect(settings.REDIS_URL)
    idle_since = time.monotonic()
    while not STOP.is_set():
        time.sleep(poll)
        try:
            queued = broker_queue.queue_length(r)
        except Exception:  # Redis away: not idle, just unknown
            idle_since = time.monotonic()
            continue
        if _DRAINING.is_set() and not _busy():
            log.info("deadline near and nothing running: worker exits")
            os.kill(os.getpid(), signal.SIGTERM)
            return
        if queued or _busy():
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= idle_seconds:
            log.info("download queue empty for %.0fs: worker exits", idle_seconds)
            os.kill(os.getpid(), signal.SIGTERM)  # warm shutdown
            return


def _answer_roll_call(period: float) -> None:
    r = store.connect(settings.REDIS_URL)
    running = versions.in_use(settings.YTARCHIVE["YTDLP_DIR"])
    while not _GONE.is_set():
        try:
            worker_presence.mark_worker_alive(r, WORKER_NAME, ttl_seconds=period * 4)
            ytdlp_state.publish_worker_version(r, WORKER_NAME, running.version if running else "unknown", period * 4)
        except Exception as exc:  # Redis away: the mark expires, the count is briefly low
            log.debug("roll call not answered: %s", exc)
        _GONE.wait(period)
    try:  # a mark written just as the worker left the roll goes too
        worker_presence.mark_worker_gone(r, WORKER_NAME)
        ytdlp_state.forget_worker(r, WORKER_NAME)
    except Exception as exc:
        log.debug("roll call: leaving failed (the mark expires): %s", exc)


@worker_shutdown.connect
def _leave_roll(**kwargs):
    if not _IS_DOWNLOAD_WORKER.is_set():
        return
    _GONE.set()
    try:
        worker_presence.mark_worker_gone(store.connect(settings.REDIS_URL), WORKER_NAME)
    except Exception as exc:
        log.info("could not leave the roll (the mark expires): %s", exc)


@worker_ready.connect
def _start_idle_watch(sender=None, **kwargs):
    if not _consumes_downloads(sender):
        return
    _IS_DOWNLOAD_WORKER.set()
    _HOSTNAME[:] = [getattr(sender, "hostname", "")]
    PACE.reset(float(settings.YTARCHIVE["SECONDS_PER_VIDEO_SECOND"]))  # the first guess, until it measures
    seconds = float(settings.YTARCHIVE["WORKER_DEADLINE_SECONDS"])
    if seconds > 0:
        grace = float(settings.YTARCHIVE["SHUTDOWN_GRACE_SECONDS"])
        _DEADLINE[:] = [deadline.Deadline(seconds, time.monotonic(), grace)]
        threading.Thread(target=_stop_at_deadline, args=(_DEADLINE[0],), daemon=True, name="deadline").start()
        log.info("worker deadline in %.0fs: it stops %.0fs before", seconds, _DEADLINE[0].grace)
    threading.Thread(target=_answer_roll_call, args=(ROLL_CALL_SECONDS,), daemon=True, name="roll-call").start()
    idle = float(settings.YTARCHIVE["WORKER_IDLE_SECONDS"])
    threading.Thread(target=_watch_idle, args=(idle, min(5.0, idle / 3)), daemon=True,
                     name="idle-exit").start()
    threading.Thread(target=_log_ytdlp_report, daemon=True, name="ytdlp-report").start()


def _log_ytdlp_report() -> None:
    """yt-dlp's own verbose header in the worker's log, once: its version, plugins, PO-token providers and
    the extractor arguments in force, as this pod sees them (off the start path: it runs ffmpeg -version)."""
    try:
        for line in params.environment_report():
            log.info("yt-dlp report: %s", line)
    except Exception as exc:  # a report is advice: never a reason for a worker not to work
        log.warning("yt-dlp report failed: %s", exc)


def _cold_stop_after(grace: float) -> None:
    time.sleep(grace)
    if _busy():
        log.warning("download did not stop within %.0fs: cold shutdown", grace)
        os.kill(os.getpid(), signal.SIGQUIT)


@worker_shutting_down.connect
def _stop_downloads(sig=None, how=None, exitcode=None, **kwargs):
    if not _IS_DOWNLOAD_WORKER.is_set() or STOP.is_set():
        return
    STOP.set()
    grace = float(settings.YTARCHIVE["SHUTDOWN_GRACE_SECONDS"])
    threading.Thread(target=_cold_stop_after, args=(grace,), daemon=True, name="cold-stop").start()


def _stop_at_deadline(limit: deadline.Deadline) -> None:
    """At the deadline less the grace, stop as on SIGTERM: the download in flight is handed back with its
    partial files kept (a Job's own SIGTERM at activeDeadlineSeconds does the same, later)."""
    while not STOP.is_set():
        left = limit.remaining()
        if left <= 0:
            log.info("worker deadline reached: stopping, handing back what runs")
            os.kill(os.getpid(), signal.SIGTERM)
            return
        STOP.wait(min(left, 5.0))


def may_start(r, request: DownloadRequest) -> bool:
    """Whether this worker may start ``request`` before its deadline (always, without one).

    When it may not, it takes no more work: its consumer stops and the worker exits once idle.
    """
    if not _DEADLINE:
        return True
    if _DRAINING.is_set():
        return False
    try:
        _count, done = handbacks.progress(r, request.channel_id, request.video_id)
    except Exception as exc:  # unknown: as if nothing were on disk yet
        log.info("%s hand-back state unknown: %s", request.context, exc)
        done = 0.0
    expected = PACE.expected(request.duration, done)
    if _DEADLINE[0].may_start(expected):
        return True
    log.info("%s not started: %.0fs left before this worker's deadline, expected %.0fs (%.0fs of video, "
             "%.0f%% on disk); handed back, and this worker takes no more work", request.context,
             _DEADLINE[0].remaining(), expected, request.duration, 100 * done)
    _stop_taking_work()
    return False


def _stop_taking_work() -> None:
    if _DRAINING.is_set():
        return
    _DRAINING.set()
    try:
        from celery import current_app

        current_app.control.cancel_consumer(broker_queue.DOWNLOADS_QUEUE, destination=_HOSTNAME or None)
    except Exception as exc:  # it still refuses what it is given, and exits once idle
        log.warning("could not stop consuming: %s", exc)


def note_finished(outcome: Outcome) -> None:
    """A download that ran from its first byte to the end teaches this worker its pace."""
    if outcome.status is WorkerResult.ARCHIVED and not outcome.already and not outcome.resumed_bytes:
        PACE.observe(outcome.seconds, outcome.duration)
