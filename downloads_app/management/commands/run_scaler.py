"""The ``local`` scaler: runs download workers as children of this process.

Every YTARCHIVE_SCALE_INTERVAL_SECONDS, and at once when woken (queueing
downloads sends ``reconcile_workers``, which wakes it through Redis), it reads
the backlog (queued videos per site, from the database: Redis holds only the
feeder's window) and the sites' pauses and budgets (Redis), works out how many
workers the rule wants, starts the missing ones, and replaces any that died
while work is queued. On SIGTERM/SIGINT it stops its workers (a warm shutdown)
and exits. Needs Redis and (to read) the database; its workers need no database.
"""
import logging
import os
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archiver.scaling import LocalWorkers
from archiver.state import store, worker_presence
from downloads_app.scaling import wanted

log = logging.getLogger(__name__)
#: The longest one wait for a wake-up blocks (under the Redis client's socket timeout), so a stop
#: request is seen within it.
WAKE_WAIT_SECONDS = 1.0


def wait_for_wake(stop: threading.Event, interval: float) -> None:
    """Until the next look at the queue: ``interval`` seconds, or less when woken or stopped."""
    deadline = time.monotonic() + interval
    r = store.connect(settings.REDIS_URL)
    while not stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            if worker_presence.wait_for_scaler_wake(r, min(WAKE_WAIT_SECONDS, left)):
                return
        except Exception as exc:  # Redis restarting: wait the tick out as before
            log.debug("scaler wake-up not read: %s", exc)
            stop.wait(min(WAKE_WAIT_SECONDS, left))


class Command(BaseCommand):
    help = "Run the local download-worker scaler in the foreground."

    def handle(self, *args, **options):
        if settings.YTARCHIVE["SCALER"] != "local":
            raise CommandError("run_scaler is for YTARCHIVE_SCALER=local.")
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        # Download workers run without a database, by construction (config.settings, ROLE).
        r = store.connect(settings.REDIS_URL)
        # A child that died (killed) leaves the roll at once: its downloads show as interrupted at once
        # (archiver.state.download_progress.is_live), never beside its successor's.
        def strike(pid: int) -> None:
            worker_presence.mark_worker_gone(r, worker_presence.worker_name(pid))
        workers = LocalWorkers(env={**os.environ, "YTARCHIVE_ROLE": "download"},
                               concurrency=settings.YTARCHIVE["DOWNLOADS_PER_WORKER"], on_exit=strike)
        interval = settings.YTARCHIVE["SCALE_INTERVAL_SECONDS"]
        log.info("local scaler started (max %s workers, %s downloads each)", settings.YTARCHIVE["MAX_WORKERS"],
                 settings.YTARCHIVE["DOWNLOADS_PER_WORKER"])
        last = None
        while not stop.is_set():
            try:
                length, desired = wanted()
                running = workers.reconcile(desired)
            except Exception as exc:  # Redis restarting, a failed fork: keep what runs, try again
                log.warning("scaler step failed: %s", exc)
                workers.reap()
            else:
                if (length, desired, running) != last:
                    log.info("queue=%s desired=%s running=%s", length, desired, running)
                    last = (length, desired, running)
            wait_for_wake(stop, interval)
        log.info("local scaler stopping its %s worker(s)", len(workers.children))
        workers.stop()
