"""Download workers leave by themselves once the queue has stayed empty for a while.

So a Kubernetes Job completes and a ``local`` worker process ends when the
work is done, and scaling down never interrupts a download. Only workers that
consume the ``downloads`` queue do this; the control worker stays.
"""
from __future__ import annotations

import logging
import os
import signal
import threading
import time

from celery.signals import worker_ready
from celery.worker import state as worker_state
from django.conf import settings

from archiver import state

log = logging.getLogger(__name__)


def _consumes_downloads(consumer) -> bool:
    try:
        return any(q.name == state.DOWNLOADS_QUEUE for q in consumer.task_consumer.queues)
    except AttributeError:
        return False


def _busy() -> bool:
    return bool(worker_state.active_requests or worker_state.reserved_requests)


def _watch_idle(idle_seconds: float, poll: float) -> None:
    r = state.connect(settings.REDIS_URL)
    idle_since = time.monotonic()
    while True:
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


@worker_ready.connect
def _start_idle_watch(sender=None, **kwargs):
    if not _consumes_downloads(sender):
        return
    idle = float(settings.YTARCHIVE["WORKER_IDLE_SECONDS"])
    threading.Thread(target=_watch_idle, args=(idle, min(5.0, idle / 3)), daemon=True,
                     name="idle-exit").start()
