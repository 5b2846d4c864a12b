"""Nothing gets stuck (issue 7): syncs and retries survive killed control and download workers.

Real supervisord, Celery workers, beat, Redis and yt-dlp; the fixture site is
slowed down or made to fail on purpose. The stack runs with a 3 s lease and a
1 s reconcile period (tests/conftest.py), so "within a few leases" is seconds.
"""
from __future__ import annotations

import os
import signal
from datetime import datetime, timedelta

import pytest

from tests.fixture_site import catalog
from tests.harness import Api, add_fresh, wait_for
from tests.integration.test_faults import SLOW_CHANNEL, SLOW_VIDEOS, download_worker_pids, gone

pytestmark = pytest.mark.integration

RETRY_CHANNEL = "fixturesite-chan-retry"
LEASE = 3.0


def sync_status(api: Api, job_id: int) -> dict:
    return api.get(f"/api/syncs/{job_id}/")


def video(api: Api, channel_id: str, video_id: str) -> dict:
    return api.get(f"/api/videos/?channel={channel_id}&video_id={video_id}")["results"][0]


@pytest.fixture
def restore_site(fixture_site):
    yield fixture_site
    fixture_site.listing_delay = 0.0
    fixture_site.flaky_failures = catalog.FLAKY_FAILURES
    fixture_site.reset()


def test_sigkill_of_every_control_process_mid_sync_resumes_the_sync(api, stack, restore_site, archive_root):
    site = restore_site
    channel = add_fresh(api, f"{site.base_url}/@fixtureslow")
    site.slow_rate = 4 * 1024 * 1024
    site.listing_delay = 8.0  # the listing waits: the sync is running when its worker dies
    job = api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    wait_for(lambda: sync_status(api, job["id"])["status"] == "running", 30, "the sync to start")
    victims = stack.control.pids()
    assert victims
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    killed_at = datetime.now()
    site.listing_delay = 0.0
    wait_for(lambda: all(gone(pid) for pid in victims), 10, "the control processes to die")
    # While it is presumed alive nobody may start another one: asking again answers that same sync.
    assert api.post(f"/api/channels/{channel['id']}/sync/", expect=202)["id"] == job["id"]
    done = wait_for(lambda: (j := sync_status(api, job["id"]))["status"] in ("succeeded", "failed") and j,
                    60, "the sync to be resumed by itself")
    recovered_in = (datetime.now() - killed_at).total_seconds()
    assert done["status"] == "succeeded", done
    assert done["attempts"] == 2 and done["videos_seen"] == len(SLOW_VIDEOS)
    print(f"sync resumed and finished {recovered_in:.1f} s after SIGKILL of the control worker")
    progress = api.wait_settled(channel["id"])
    assert progress["archived"] == len(SLOW_VIDEOS)
    for vid in SLOW_VIDEOS:
        assert (archive_root / SLOW_CHANNEL / "videos" / vid / "video.mp4").is_file()
    assert api.post(f"/api/channels/{channel['id']}/sync/", expect=202)["status"] in ("queued", "running")
    api.wait_settled(channel["id"])


def test_a_sync_whose_message_was_never_sent_is_sent_by_the_reconciler(api, stack, restore_site):
    channel = add_fresh(api, f"{restore_site.base_url}/channel/chan-big-12")
    # What a failed publish after the commit leaves behind: a queued job and no message.
    stack.manage("shell", "-c", (
        "from datetime import timedelta; from django.utils import timezone; "
        "from channels_app.models import SyncJob; "
        f"SyncJob.objects.create(channel_id='{channel['id']}', trigger='lost', "
        "enqueued_at=timezone.now() - timedelta(hours=1))"))
    lost = api.get(f"/api/channels/{channel['id']}/syncs/")["results"][0]
    assert lost["trigger"] == "lost" and lost["attempts"] <= 1  # (the reconciler may have sent it already)
    done = wait_for(lambda: (j := sync_status(api, lost["id"]))["status"] in ("succeeded", "failed") and j,
                    30, "the unsent sync to run")
    assert done["status"] == "succeeded" and done["videos_seen"] == 12


def test_retry_waits_in_the_database_and_survives_killed_download_workers(api, stack, stack_env, restore_site,
                                                                          archive_root):
    site = restore_site
    site.flaky_failures = 10**6  # fails until the test says otherwise
    channel = add_fresh(api, f"{site.base_url}/@fixtureretry")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    waiting = wait_for(lambda: (v := video(api, RETRY_CHANNEL, catalog.RETRY_FLAKY_ID))["status"] == "retrying"
                       and v, 60, "the flaky video to wait for a retry")
    assert waiting["attempts"] >= 1 and waiting["max_attempts"] == 4
    assert "503" in waiting["last_error"]
    assert waiting["failure_kind"] == "transient" and not waiting["dead_letter"]
    assert waiting["next_attempt_at"] is not None
    progress = api.get(f"/api/channels/{channel['id']}/progress/")
    assert progress["retrying"] + progress["queued"] + progress["downloading"] >= 1
    # Every download worker dies; the retry is not in any of them.
    victims = download_worker_pids(stack_env["REDIS_URL"])
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    site.flaky_failures = 0
    archived = wait_for(lambda: (v := video(api, RETRY_CHANNEL, catalog.RETRY_FLAKY_ID))["status"] == "archived"
                        and v, 8 * LEASE + 20, "the retried video to be archived")
    assert archived["attempts"] >= 2 and archived["next_attempt_at"] is None and archived["last_error"] == ""
    assert (archive_root / RETRY_CHANNEL / "videos" / catalog.RETRY_FLAKY_ID / "video.mp4").is_file()


def test_retries_back_off_then_dead_letter_then_retry_from_the_list(api, stack, restore_site):
    site = restore_site
    site.flaky_failures = 10**6
    channel = add_fresh(api, f"{site.base_url}/@fixtureretry")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    seen = []

    def dead():
        v = video(api, RETRY_CHANNEL, catalog.RETRY_FLAKY_ID)
        if v["status"] == "retrying" and (not seen or seen[-1]["attempts"] != v["attempts"]):
            seen.append(v)
        return v if v["status"] == "failed" else None

    final = wait_for(dead, 90, "the video to use up its retries", poll=0.1)
    assert final["attempts"] == 4 and final["failure_kind"] == "transient" and final["dead_letter"]
    assert final["next_attempt_at"] is None
    # Each wait was base x 2^(n-1) with +/-25 % jitter (base 1 s in the tests).
    for v in seen:
        wait = (datetime.fromisoformat(v["next_attempt_at"]) - datetime.fromisoformat(v["updated_at"]))
        base = 2 ** (v["attempts"] - 1)
        assert timedelta(seconds=0.74 * base) <= wait <= timedelta(seconds=1.26 * base), (v, wait)
    assert [v["attempts"] for v in seen] == sorted({v["attempts"] for v in seen})
    assert {v["attempts"] for v in seen} <= {1, 2, 3}
    listed = api.get(f"/api/videos/?channel={RETRY_CHANNEL}&dead_letter=true")["results"]
    assert [v["video_id"] for v in listed] == [catalog.RETRY_FLAKY_ID]
    site.flaky_failures = 0
    requeued = api.post(f"/api/channels/{channel['id']}/retry-failed/?dead_letter=true", expect=202)
    assert requeued == {"requeued": 1}
    archived = wait_for(lambda: (v := video(api, RETRY_CHANNEL, catalog.RETRY_FLAKY_ID))["status"] == "archived"
                        and v, 60, "the requeued dead letter to be archived")
    assert archived["attempts"] == 1  # a manual retry starts its count afresh
