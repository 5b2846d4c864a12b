"""The local backend: real `celery -A config worker -Q downloads` children, replaced when one dies,
and leaving by themselves once the queue has been empty for a while."""
from __future__ import annotations

import os
import signal

import pytest

from archiver.scaling import LocalWorkers
from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import REPO, wait_for

pytestmark = pytest.mark.integration


def cmdline(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        return fh.read().replace(b"\0", b" ").decode()


def test_dead_worker_is_replaced_and_idle_workers_leave(redis_server, tmp_path):
    env = plugin_env()
    env.update({"REDIS_URL": redis_server.url.rsplit("/", 1)[0] + "/2", "YTARCHIVE_WORKER_IDLE_SECONDS": "3",
                "DATA_DIR": str(tmp_path)})
    pool = LocalWorkers(env=env, cwd=str(REPO))
    try:
        assert pool.reconcile(1) == 1
        first = next(iter(pool.children))
        wait_for(lambda: "celery -A config worker -Q downloads" in cmdline(first), 10, "the worker's exec")
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: pool.reap() == 0, 10, "the killed worker to be reaped")
        assert pool.reconcile(1) == 1
        second = next(iter(pool.children))
        assert second != first
        # Nothing is queued: the worker leaves by itself after the idle time.
        wait_for(lambda: pool.reap() == 0, 60, "the idle worker to exit")
        assert pool.reconcile(0) == 0
    finally:
        pool.stop(grace_seconds=10)
