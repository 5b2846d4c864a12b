"""The local backend: real `celery -A config worker -Q downloads` children, replaced when one dies,
and leaving by themselves once the queue has been empty for a while."""
from __future__ import annotations

import os
import signal

import pytest

from archiver.scaling import LocalWorkers
from archiver.state import outcome_outbox, store
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


def test_worker_holding_a_countdown_does_not_leave_as_idle(redis_server, fixture_site, tmp_path):
    """A task with a countdown waits inside the worker until it is due: that worker is busy, not idle.

    The worker runs in the download role, without a database, and still archives the video
    and reports it (the report lands in the outbox; no control worker applies it here).
    """
    from config.celery import app
    from downloads_app.tasks import download_video

    url = redis_server.url.rsplit("/", 1)[0] + "/10"  # its own database: it reads the whole outbox
    store.connect(url).flushdb()
    env = plugin_env()
    env.update({"REDIS_URL": url, "YTARCHIVE_WORKER_IDLE_SECONDS": "2", "DATA_DIR": str(tmp_path),
                "ARCHIVE_ROOT": str(tmp_path / "archive"), "YTARCHIVE_ROLE": "download"})
    pool = LocalWorkers(env=env, cwd=str(REPO))
    message = {"video_pk": 1, "channel_id": "fixturesite-chan-main", "video_id": "vid-main-05",
               "url": f"{fixture_site.base_url}/watch/vid-main-05", "attempt": 1,
               "options": {"format": "best", "socket_timeout": 10.0, "http_retries": 1, "rate_limit": 0}}
    try:
        assert pool.reconcile(1) == 1
        with app.connection_for_write(url) as connection:
            download_video.apply_async((message,), countdown=8, connection=connection)
        # Had the worker left after 2 s idle, nobody would run the task when its countdown ends.
        folder = tmp_path / "archive" / "fixturesite-chan-main" / "videos" / "vid-main-05"
        wait_for(folder.is_dir, 40, "the counted-down task to run in the same worker")
        assert pool.reap() == 1 or (folder / "video.mp4").is_file()
        reports = wait_for(lambda: outcome_outbox.pending_outcomes(store.connect(url)), 20, "the report in the outbox")
        assert [(r["video_id"], r["status"], r["attempt"]) for r in reports] == [("vid-main-05", "archived", 1)]
        wait_for(lambda: pool.reap() == 0, 30, "the worker to leave once really idle")
    finally:
        pool.stop(grace_seconds=10)
