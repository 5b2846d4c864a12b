"""How download workers end: by themselves when idle, and within a bounded time when told to stop.

* Idle exit: once the queue has stayed empty (and the worker has nothing
  reserved) for YTARCHIVE_WORKER_IDLE_SECONDS, the worker shuts itself down,
  so a Kubernetes Job completes and a ``local`` worker process ends.
* Bounded stop: on SIGTERM (a pod being stopped, Ctrl-C) the download in
  flight is interrupted at its next progress tick and handed back to the
  queue unfinished (its temp folder removed), and the worker exits. If the
  download does not yield within YTARCHIVE_SHUTDOWN_GRACE_SECONDS, the worker
  does a cold shutdown; the lease then expires and the control side requeues
  the video. Either way no half-written file is ever under a final name.

* Roll call: every few seconds the worker marks itself alive in Redis
  (``state.mark_worker_alive``; the yt-dlp version it runs beside it, archiver.ytdlp_state), and leaves
  the roll when it shuts down, so
  ``ytarchive_active_workers`` counts local workers and Jobs alike; one that
  dies unheard drops out when its mark expires.

Only workers that consume the ``downloads`` queue do this; the control worker stays.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time

from celery.signals import worker_ready, worker_shutdown, worker_shutting_down
from celery.worker import state as worker_state
from django.conf import settings

from archiver import state, ytdlp, ytdlp_state, ytdlp_versions

log = logging.getLogger(__name__)

STOP = threading.Event()  # set when this download worker is shutting down
_IS_DOWNLOAD_WORKER = threading.Event()
_GONE = threading.Event()  # set once the worker has left the roll
ROLL_CALL_SECONDS = 5.0
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"


def _consumes_downloads(consumer) -> bool:
    try:
        return any(q.name == state.DOWNLOADS_QUEUE for q in consumer.task_consumer.queues)
    except AttributeError:
        return False


def _busy() -> bool:
    """Running, reserved, or holding a retry until its countdown ends (Celery keeps those)."""
    return bool(worker_state.active_requests or worker_state.reserved_requests
                or worker_state.scheduled_requests)


def _watch_idle(idle_seconds: float, poll: float) -> None:
    r = state.connect(settings.REDIS_URL)
    idle_since = time.monotonic()
    while not STOP.is_set():
        time.sleep(poll)
        try:
            queued = state.queue_length(r)
        except Exception:  # Redis away: not idle, just unknown
            idle_since = time.monotonic()
            continue
        if queued or _busy():
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= idle_seconds:
            log.info("download queue empty for %.0fs: worker exits", idle_seconds)
            os.kill(os.getpid(), signal.SIGTERM)  # warm shutdown
            return


def _answer_roll_call(period: float) -> None:
    r = state.connect(settings.REDIS_URL)
    running = ytdlp_versions.in_use(settings.YTARCHIVE["YTDLP_DIR"])
    while not _GONE.is_set():
        try:
            state.mark_worker_alive(r, WORKER_NAME, ttl_seconds=period * 4)
            ytdlp_state.publish_worker_version(r, WORKER_NAME, running.version if running else "unknown", period * 4)
        except Exception as exc:  # Redis away: the mark expires, the count is briefly low
            log.debug("roll call not answered: %s", exc)
        _GONE.wait(period)
    try:  # a mark written just as the worker left the roll goes too
        state.mark_worker_gone(r, WORKER_NAME)
        ytdlp_state.forget_worker(r, WORKER_NAME)
    except Exception as exc:
        log.debug("roll call: leaving failed (the mark expires): %s", exc)


@worker_shutdown.connect
def _leave_roll(**kwargs):
    if not _IS_DOWNLOAD_WORKER.is_set():
        return
    _GONE.set()
    try:
        state.mark_worker_gone(state.connect(settings.REDIS_URL), WORKER_NAME)
    except Exception as exc:
        log.info("could not leave the roll (the mark expires): %s", exc)


@worker_ready.connect
def _start_idle_watch(sender=None, **kwargs):
    if not _consumes_downloads(sender):
        return
    _IS_DOWNLOAD_WORKER.set()
    threading.Thread(target=_answer_roll_call, args=(ROLL_CALL_SECONDS,), daemon=True, name="roll-call").start()
    idle = float(settings.YTARCHIVE["WORKER_IDLE_SECONDS"])
    threading.Thread(target=_watch_idle, args=(idle, min(5.0, idle / 3)), daemon=True,
                     name="idle-exit").start()
    threading.Thread(target=_log_ytdlp_report, daemon=True, name="ytdlp-report").start()


def _log_ytdlp_report() -> None:
    """yt-dlp's own verbose header in the worker's log, once: its version, plugins, PO-token providers and
    the extractor arguments in force, as this pod sees them (off the start path: it runs ffmpeg -version)."""
    try:
        for line in ytdlp.environment_report():
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
