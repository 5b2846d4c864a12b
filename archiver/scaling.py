"""How many download workers to run, and the ``local`` backend that runs them.

``desired_workers`` is the rule from the design: one worker per ``per_worker``
queued downloads, at least one while anything is queued, never more than
``max_workers``, none when the queue is empty. Backends only ever add workers;
workers leave by themselves once the queue has been empty for a while (see
downloads_app.worker_lifecycle), so a busy worker is never killed to scale down.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


def desired_workers(queue_length: int, per_worker: int, max_workers: int) -> int:
    if queue_length <= 0 or max_workers <= 0:
        return 0
    return max(1, min(max_workers, queue_length // max(1, per_worker)))


@dataclass(frozen=True)
class ResourceTier:
    """Requests and limits of a download worker's pod while the queue is at most ``up_to`` (None: any)."""

    up_to: int | None
    requests: dict
    limits: dict


# The seed's table: a bigger queue gets bigger workers.
SEED_TIERS = (
    ResourceTier(200, {"cpu": "500m", "memory": "512Mi"}, {"cpu": "2", "memory": "2Gi"}),
    ResourceTier(500, {"cpu": "1", "memory": "1Gi"}, {"cpu": "2", "memory": "2Gi"}),
    ResourceTier(None, {"cpu": "2", "memory": "2Gi"}, {"cpu": "2", "memory": "2Gi"}),
)


def parse_tiers(text: str) -> tuple[ResourceTier, ...]:
    """Tiers from JSON (``[{"up_to": 200, "requests": {...}, "limits": {...}}, ...]``), ValueError if wrong."""
    try:
        items = json.loads(text)
        tiers = tuple(ResourceTier(item.get("up_to"), dict(item["requests"]), dict(item.get("limits") or {}))
                      for item in items)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a JSON list of {{up_to, requests, limits}} tiers: {exc}") from exc
    if not tiers or tiers[-1].up_to is not None:
        raise ValueError("the last tier must have up_to null (it takes every longer queue)")
    bounds = [t.up_to for t in tiers[:-1]]
    if any(b is None or b < 0 for b in bounds) or bounds != sorted(bounds):
        raise ValueError("up_to must rise from tier to tier")
    return tiers


def resources_for(queue_length: int, tiers: tuple[ResourceTier, ...] = SEED_TIERS) -> dict:
    """The pod resources for a Job started while ``queue_length`` downloads wait."""
    for tier in tiers:
        if tier.up_to is None or queue_length <= tier.up_to:
            return {"requests": dict(tier.requests), **({"limits": dict(tier.limits)} if tier.limits else {})}
    return {}


def worker_command(name: str, concurrency: int = 1, quiet: bool = False) -> list[str]:
    """``celery -A config worker -Q downloads …``: ``concurrency`` downloads at once, no gossip.

    The threads pool keeps every download in the worker's main process, so a
    shutdown request reaches them all (see downloads_app.worker_lifecycle), and
    N downloads cost one interpreter, not N. Downloads wait on the network, not
    the CPU: threads are the right pool. Prefetch stays 1 per thread, so the
    worker reserves only what it can start now and the Redis list stays the
    true backlog.
    """
    celery = Path(sys.executable).with_name("celery")
    head = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    return [
        # A worker stops when its scaler dies, even by SIGKILL (archiver.parent_death).
        sys.executable, "-m", "archiver.parent_death", *head, *(["--quiet"] if quiet else []),
        "-A", "config", "worker", "-Q", "downloads", "-c", str(concurrency), "--pool", "threads",
        "--prefetch-multiplier", "1",
        "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "-l", "INFO",
    ]


class LocalWorkers:
    """Download workers as child processes of this one (``make run``'s ``scaler`` process)."""

    def __init__(self, env: dict | None = None, cwd: str | None = None, concurrency: int = 1,
                 on_exit: Callable[[int], None] | None = None):
        self.env = env
        self.cwd = cwd
        self.concurrency = concurrency
        self.on_exit = on_exit  # told each child's pid once it exited, before any successor starts
        self.children: dict[int, subprocess.Popen] = {}
        self.started = 0

    def reap(self) -> int:
        """Forget workers that exited (finished idle, or died); returns how many are alive."""
        for pid, proc in list(self.children.items()):
            code = proc.poll()
            if code is not None:
                log.info("download worker pid=%s exited with %s", pid, code)
                del self.children[pid]
                if self.on_exit is not None:
                    try:
                        self.on_exit(pid)
                    except Exception as exc:  # Redis away: the worker's mark expires by itself
                        log.info("download worker pid=%s not struck off the roll: %s", pid, exc)
        return len(self.children)

    def reconcile(self, desired: int) -> int:
        alive = self.reap()
        for _ in range(max(0, desired - alive)):
            self.started += 1
            name = f"download-{os.getpid()}-{self.started}"
            env = {**(self.env if self.env is not None else os.environ), "YTARCHIVE_PROCESS_NAME": name}
            proc = subprocess.Popen(worker_command(name, self.concurrency, env.get("LOG_FORMAT") == "json"),
                                    env=env, cwd=self.cwd)
            self.children[proc.pid] = proc
            log.info("started download worker pid=%s (%s wanted)", proc.pid, desired)
        return len(self.children)

    def stop(self, grace_seconds: float = 30.0) -> None:
        """SIGTERM every worker (a warm shutdown hands unfinished work back), then SIGKILL."""
        for proc in self.children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for proc in self.children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.children.clear()
