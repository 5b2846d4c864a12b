"""`make bench`: how long after a SIGKILL of every download worker the interrupted video is archived,
with the default lease and reconcile periods (60 s / 30 s) and with short ones (3 s / 1 s)."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.conftest import ADMIN, RUN_DIR
from tests.fixture_site import catalog
from tests.harness import Api, AppStack, free_port, wait_for
from tests.integration.test_faults import download_worker_pids, gone, start_slow_download


@pytest.mark.parametrize(("lease", "reconcile"), [("3", "1"), ("60", "30")])
def test_recovery_after_sigkill(stack_env, fixture_site, lease, reconcile):
    import redis

    env = dict(stack_env, PORT=str(free_port()), YTARCHIVE_LEASE_SECONDS=lease,
               YTARCHIVE_RECONCILE_SECONDS=reconcile, DATA_DIR=str(RUN_DIR / f"bench-data-{lease}"),
               ARCHIVE_ROOT=str(RUN_DIR / f"bench-archive-{lease}"),
               REDIS_URL=stack_env["REDIS_URL"].rsplit("/", 1)[0] + f"/{3 if lease == '3' else 4}")
    app = AppStack(env, RUN_DIR / f"bench-{lease}.log").start()
    try:
        api = Api(app.base_url, Api(app.base_url).post("/api/auth/token/", json=ADMIN)["token"])
        live = redis.Redis.from_url(env["REDIS_URL"], decode_responses=True)
        channel = start_slow_download(api, fixture_site, live)
        pids = download_worker_pids(env["REDIS_URL"])
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        wait_for(lambda: all(gone(p) for p in pids), 10, "the kill")

        def archived():
            return next(v for v in api.videos(channel["id"]) if v["video_id"] == catalog.SLOW_ID)["status"] \
                == "archived"
        wait_for(archived, 300, "the interrupted video to be archived", poll=0.5)
        seconds = time.monotonic() - killed
        print(f"\nBENCH recovery after SIGKILL (lease {lease} s, reconcile {reconcile} s): "
              f"interrupted video archived {seconds:.1f} s after the kill (its download alone takes ~8.5 s)")
        assert seconds < float(lease) + float(reconcile) + 60
    finally:
        app.stop()
