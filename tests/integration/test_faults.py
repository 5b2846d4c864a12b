"""Faults, for real: SIGKILL and SIGTERM to download workers mid-download, a Redis restart mid-run,
the control worker down while outcomes arrive, and a 1,000-video sync hammering SQLite.

Each test ends with every video archived byte-identical exactly once (counted
in the fixture site's requests) and no partial file left in the tree. The Redis
restart and the 1,000-video sync download real (tiny) videos that succeed, and
also check one folder per video, a sha256 equal to the site's bytes, and the
counts (live progress, /metrics) equal to the catalog.
"""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
import redis as redis_lib
import requests
from prometheus_client.parser import text_string_to_metric_families

from archiver import tree
from archiver.state import download_locks, download_progress
from tests.fixture_site import catalog
from tests.fixture_site.media import mp4_path
from tests.fixture_site.server import FixtureSite
from tests.harness import Api, add_fresh, download_worker_pids, sync_and_wait_listed, wait_for

pytestmark = pytest.mark.integration

SLOW_CHANNEL = "fixturesite-chan-slow"
SLOW_VIDEOS = list(catalog.get_channel(catalog.SLOW_CHANNEL_ID).tabs["videos"])


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.fixture
def live(stack_env) -> redis_lib.Redis:
    return redis_lib.Redis.from_url(stack_env["REDIS_URL"], decode_responses=True)


def in_flight(live, channel_id: str, video_id: str) -> bool:
    progress = live.hgetall(download_progress.download_progress_key(channel_id, video_id))
    return live.exists(download_locks.lock_key(channel_id, video_id)) and int(progress.get("downloaded_bytes") or 0) > 0


def start_slow_download(api: Api, site, live) -> dict:
    """A fresh copy of the slow channel, synced, with its slow video's download under way."""
    site.slow_rate = 100 * 1024
    channel = add_fresh(api, f"{site.base_url}/@fixtureslow")
    site.reset()
    sync_and_wait_listed(api, channel["id"])
    wait_for(lambda: in_flight(live, channel["id"], catalog.SLOW_ID), 60, "the slow download to be in flight")
    flights = api.get(f"/api/channels/{channel['id']}/progress/")["in_flight"]
    slow = next(f for f in flights if f["video_id"] == catalog.SLOW_ID)
    assert slow["downloaded_bytes"] > 0 and slow["total_bytes"] > slow["downloaded_bytes"]
    return channel


def assert_archived_identically(api, channel_id, video_ids, archive_root, fixture_media):
    seen: dict[str, str] = {}

    def all_archived():
        seen.update({v["video_id"]: v["status"] for v in api.videos(channel_id)})
        return all(seen.get(vid) == "archived" for vid in video_ids)
    try:
        wait_for(all_archived, 60, "every video's outcome to be recorded as archived")
    except AssertionError as exc:  # say which video ended how
        raise AssertionError(f"{exc}; statuses: {dict(sorted(seen.items()))}") from None
    for vid in video_ids:
        served = mp4_path(Path(fixture_media["media_dir"]), vid).read_bytes()
        assert (archive_root / channel_id / "videos" / vid / "video.mp4").read_bytes() == served
    wait_for(lambda: tree.find_partial_files(archive_root) == [], 30, "no partial file left")


def test_sigkill_every_download_worker_mid_download(api, stack, stack_env, fixture_site, fixture_media,
                                                    archive_root, live):
    channel = start_slow_download(api, fixture_site, live)
    holding = {k.rsplit(":", 1)[1] for k in live.keys(f"ytarchive:lock:{channel['id']}:*")}
    pids = download_worker_pids(stack_env["REDIS_URL"])
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(lambda: all(gone(pid) for pid in pids), 10, "the killed workers to be gone")
    assert requests.get(f"{stack.base_url}/health", timeout=5).ok  # the web app stays up

    def slow_archived():
        return next(v for v in api.videos(channel["id"]) if v["video_id"] == catalog.SLOW_ID)["status"] == "archived"
    wait_for(slow_archived, 120, "the interrupted video to be archived")
    recovered = time.monotonic() - killed_at
    print(f"\nRECOVERY: interrupted video archived {recovered:.1f} s after SIGKILL "
          f"(lease {stack_env['YTARCHIVE_LEASE_SECONDS']} s, reconcile {stack_env['YTARCHIVE_RECONCILE_SECONDS']} s)")
    api.wait_settled(channel["id"])
    assert_archived_identically(api, channel["id"], SLOW_VIDEOS, archive_root, fixture_media)
    assert catalog.SLOW_ID in holding
    new_pids = download_worker_pids(stack_env["REDIS_URL"])
    assert not set(new_pids) & set(pids)
    # One complete download each, plus the one cut short by the kill. (A small video whose lock was
    # held at the kill may not have reached its media request yet: 1 or 2 for those.)
    assert fixture_site.request_count(f"/media/{catalog.SLOW_ID}.mp4") == 2
    for vid in SLOW_VIDEOS:
        allowed = {1, 2} if vid in holding else {1}
        assert fixture_site.request_count(f"/media/{vid}.mp4") in allowed, vid


def test_sigterm_hands_the_download_back_within_bounded_time(api, stack_env, fixture_site, fixture_media,
                                                             archive_root, live):
    channel = start_slow_download(api, fixture_site, live)
    pids = download_worker_pids(stack_env["REDIS_URL"])
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    stopped_at = time.monotonic()
    grace = float(stack_env["YTARCHIVE_SHUTDOWN_GRACE_SECONDS"])
    wait_for(lambda: all(gone(pid) for pid in pids), grace + 10, "the workers to stop")
    assert time.monotonic() - stopped_at < grace + 10
    # Nothing half-written under a final name: the partial files stay in the video's download folder.
    left = tree.find_partial_files(archive_root / channel["id"])
    assert all(tree.RESUME_SUFFIX in str(path) for path in left), left
    api.wait_settled(channel["id"])
    assert_archived_identically(api, channel["id"], SLOW_VIDEOS, archive_root, fixture_media)
    # ... and the next attempt resumed them (an HTTP Range from where the stopped one was).
    # (The site logs a request when its handler returns: the resumed one may finish there a moment after
    # the worker has every byte, so wait for it rather than read the log once.)
    def resumed():
        media = [e for e in fixture_site.request_log() if e.path == f"/media/{catalog.SLOW_ID}.mp4"]
        return any(e.status == 206 and e.range not in ("", "bytes=0-") for e in media)
    try:
        wait_for(resumed, 15, "the resumed request (206, a Range from where the stopped one was)")
    except AssertionError as exc:
        media = [e for e in fixture_site.request_log() if e.path == f"/media/{catalog.SLOW_ID}.mp4"]
        video = next(v for v in api.videos(channel["id"]) if v["video_id"] == catalog.SLOW_ID)
        raise AssertionError(f"{exc}; media requests: {media}; the video: {video}") from None


def test_control_worker_down_while_outcomes_arrive(api, stack, fixture_site, fixture_media, archive_root, live):
    fixture_site.slow_rate = 100 * 1024
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")
    fixture_site.reset()
    sync_and_wait_listed(api, channel["id"])
    stack.control.stop()
    try:
        waiting = [v["video_id"] for v in api.videos(channel["id"]) if v["status"] == "queued"]
        assert catalog.SLOW_ID in waiting  # its download takes seconds: its outcome comes while control is down
        videos_dir = archive_root / channel["id"] / "videos"
        wait_for(lambda: all((videos_dir / vid).is_dir() for vid in SLOW_VIDEOS), 90, "the downloads to finish")
        statuses = {v["video_id"]: v["status"] for v in api.videos(channel["id"])}
        assert all(statuses[vid] == "queued" for vid in waiting), statuses  # outcomes wait in the queue
        assert live.llen("outcomes") >= len(waiting)  # config.lanes: the outcomes lane
    finally:
        stack.control.start()
    api.wait_settled(channel["id"])
    assert_archived_identically(api, channel["id"], SLOW_VIDEOS, archive_root, fixture_media)
    for vid in SLOW_VIDEOS:
        assert fixture_site.request_count(f"/media/{vid}.mp4") == 1


# --- a Redis restart and a 1,000-video sync, with videos that succeed -----------------------------
# Bench videos (``chan-bench-N``) are real mp4s made by ffmpeg; at TINY_MB each is one of four tiny
# sources plus a box naming the video, so every file is distinct and a mix-up fails the byte check.
TINY_MB = 0.05


@pytest.fixture(scope="module")
def tiny_site(fixture_media):
    """A fixture site of its own whose bench videos are tiny (the session's keeps its sizes)."""
    site = FixtureSite(fixture_media["media_dir"]).start()
    site.bench_mb = TINY_MB
    site.bench_mp4(catalog.get_video("bench-1-00001"))  # ffmpeg runs now, not inside a test's wait
    try:
        yield site
    finally:
        site.stop()


def archived_downloads(stack) -> float:
    """``ytarchive_downloads_total{status="archived"}`` from /metrics (loopback may scrape)."""
    response = requests.get(f"{stack.base_url}/metrics", timeout=30)
    assert response.ok, response.status_code
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == "ytarchive_downloads_total" and sample.labels.get("status") == "archived":
                return sample.value
    return 0.0


def assert_each_archived_once(api, stack, channel_id: str, site, archive_root: Path, tally_before: float) -> None:
    """Every video of the channel archived, once, byte-identical to what ``site`` serves, nothing partial
    left, and the counts (live progress, /metrics) equal the catalog."""
    def catalog_statuses():  # live progress runs ahead of the catalog: a worker marks its video archived
        return {v["video_id"]: v["status"] for v in api.videos(channel_id)}  # before the outcome is applied
    try:
        videos = wait_for(lambda: (found := catalog_statuses()) and set(found.values()) == {"archived"} and found,
                          60, "the catalog to record every video archived")
    except AssertionError:
        found = catalog_statuses()
        raise AssertionError({s: sum(1 for v in found.values() if v == s) for s in set(found.values())}) from None
    folder = archive_root / channel_id / "videos"
    wait_for(lambda: tree.find_partial_files(archive_root / channel_id) == [], 30, "no partial file left")
    assert sorted(p.name for p in folder.iterdir()) == sorted(videos)  # one folder per video, nothing else
    for vid in videos:
        media_files = sorted(p.name for p in (folder / vid).iterdir()
                             if p.name.startswith("video.") and p.name not in ("video.info.json", "video.nfo"))
        assert media_files == ["video.mp4"], (vid, media_files)
        archived = hashlib.sha256((folder / vid / "video.mp4").read_bytes()).hexdigest()
        assert archived == hashlib.sha256(site.mp4_bytes(vid)).hexdigest(), vid
    progress = api.get(f"/api/channels/{channel_id}/progress/")
    busy = {k: progress[k] for k in ("new", "queued", "downloading", "retrying", "failed", "skipped")}
    assert progress["total"] == progress["archived"] == len(videos) and not any(busy.values()), progress
    assert archived_downloads(stack) - tally_before == len(videos)  # each outcome counted once


def test_redis_restart_mid_run(api, stack, redis_server, tiny_site, archive_root):
    count = 150
    channel = add_fresh(api, f"{tiny_site.base_url}/channel/chan-bench-{count}")
    tally_before = archived_downloads(stack)
    sync_and_wait_listed(api, channel["id"])

    def mid_work():  # some archived, many still waiting or downloading
        p = api.get(f"/api/channels/{channel['id']}/progress/")
        return p if p["archived"] >= 5 and p["queued"] + p["downloading"] >= 30 else None
    at_restart = wait_for(mid_work, 120, "downloads to be under way", poll=0.1)
    redis_server.stop()
    redis_server.start()
    assert at_restart["archived"] < count and at_restart["downloading"] + at_restart["queued"] > 0
    api.wait_settled(channel["id"], timeout=200)
    assert_each_archived_once(api, stack, channel["id"], tiny_site, archive_root, tally_before)
    for n in range(1, count + 1):  # one complete transfer each, or a second after an interrupted one
        assert tiny_site.request_count(f"/media/bench-{count}-{n:05d}.mp4") in (1, 2), n


def test_thousand_video_sync_never_hits_database_is_locked(api, stack, tiny_site, archive_root):
    count = 1000
    channel = add_fresh(api, f"{tiny_site.base_url}/channel/chan-bench-{count}")
    tally_before = archived_downloads(stack)
    job = sync_and_wait_listed(api, channel["id"])
    assert job["videos_seen"] == count and job["videos_queued"] == count
    reads = 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:  # read hard through the web while outcomes are written
        api.get(f"/api/videos/?channel={channel['id']}&status=queued&page_size=100")
        progress = api.get(f"/api/channels/{channel['id']}/progress/")
        reads += 2
        if progress["new"] == 0 and progress["queued"] == 0 and progress["downloading"] == 0:
            break
    api.wait_settled(channel["id"], timeout=60)
    assert_each_archived_once(api, stack, channel["id"], tiny_site, archive_root, tally_before)
    logs = stack.log_path.read_text(errors="replace")
    assert "database is locked" not in logs
    if not stack.env.get("DATABASE_URL"):  # SQLite: WAL mode, so readers never wait on the writer
        database = Path(stack.env["DATA_DIR"]) / "ytarchive.sqlite3"
        with sqlite3.connect(database) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reads > 10
