"""The control plane in lanes (config.lanes), with the real stack make run starts: while the maintenance
lane is busy with long work, a sync still runs and the outcomes of its downloads are still recorded.

The long work is ``ytarchive verify`` of a channel whose video folder holds a 1 GiB file (sparse, so it
costs no disk), read at the fixity limit (50 MB/s): some twenty seconds of hashing. It is asked twice, as a
redelivery would: in one lane of two slots (the single control worker before the lanes) the two copies
held both slots and the sync waited behind them.
"""
from __future__ import annotations

import time

import pytest
import redis as redis_lib

from archiver import fixity
from archiver.state import task_leases
from tests.harness import add_fresh, wait_for

pytestmark = pytest.mark.integration

BIG_BYTES = 1024**3


@pytest.fixture
def live(stack_env) -> redis_lib.Redis:
    return redis_lib.Redis.from_url(stack_env["REDIS_URL"], decode_responses=True)


def _archived(api, channel_id: str) -> list[dict]:
    videos = api.videos(channel_id)
    return videos if videos and all(v["status"] == "archived" for v in videos) else []


def test_a_busy_maintenance_lane_delays_no_sync_and_no_outcome(api, stack, live, archive_root, fixture_site):
    target = add_fresh(api, f"{fixture_site.base_url}/channel/chan-bench-1")
    api.post(f"/api/channels/{target['id']}/sync/", expect=202)
    api.wait_settled(target["id"])
    (video,) = _archived(api, target["id"])
    folder = archive_root / target["id"] / "videos" / video["video_id"]
    with open(folder / "bulk.bin", "wb") as big:  # covered by the manifest: verify reads every byte of it
        big.truncate(BIG_BYTES)
    fixity.write_manifest(folder)
    try:
        for _ in range(2):  # the second copy: what a redelivery or an impatient user sends
            api.post(f"/api/channels/{target['id']}/fixity/", expect=202)
        lease = f"fixity-channel-{target['id']}"
        wait_for(lambda: task_leases.holder(live, lease), 60, "the maintenance lane to start the verify")
        busy_since = time.monotonic()

        other = add_fresh(api, f"{fixture_site.base_url}/channel/chan-bench-2")
        job = api.post(f"/api/channels/{other['id']}/sync/", expect=202)
        done = wait_for(lambda: (j := api.get(f"/api/syncs/{job['id']}/"))["status"] in ("succeeded", "failed")
                        and j, 60, "the sync, while maintenance is busy")
        assert done["status"] == "succeeded", done
        synced_in = time.monotonic() - busy_since
        archived = wait_for(lambda: _archived(api, other["id"]), 90, "the outcomes, while maintenance is busy")
        recorded_in = time.monotonic() - busy_since
        # All of it happened while the maintenance lane was still hashing the 1 GiB.
        assert task_leases.holder(live, lease), f"the verify ended first: nothing was shown ({recorded_in:.1f} s)"
        assert len(archived) == 2
        print(f"lanes: while maintenance was busy, a sync finished in {synced_in:.1f} s and its 2 outcomes were "
              f"recorded in {recorded_in:.1f} s")
        wait_for(lambda: not task_leases.holder(live, lease), 180, "the verify to finish")
        wait_for(lambda: api.get(f"/api/videos/{video['id']}/")["fixity_checked_at"] > video["fixity_checked_at"],
                 60, "the verify's result on the row")
        assert api.get(f"/api/videos/{video['id']}/")["fixity_status"] == "ok"
    finally:
        (folder / "bulk.bin").unlink(missing_ok=True)
        fixity.write_manifest(folder)
