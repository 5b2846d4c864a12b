"""End to end with a window of two: the app as `make run` starts it (web, control, beat, the local scaler
and its real download workers) archives every video of a channel bigger than the window, byte-identical,
while Redis never holds more than the window of download messages (issue 21, item 5)."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from archiver import tree
from archiver.state import broker_queue, store
from tests.conftest import ADMIN
from tests.env_setup import RUN_DIR
from tests.harness import Api, AppStack, free_port, wait_for

pytestmark = pytest.mark.integration
VIDEOS = 12
CHANNEL_ID = f"fixturesite-chan-bench-{VIDEOS}"
WINDOW = 2  # 1 worker x 2 downloads x YTARCHIVE_FEED_WINDOW_FACTOR 1


@pytest.fixture(scope="module")
def small_window(stack_env):
    env = {**stack_env, "PORT": str(free_port()), "FLOWER_PORT": str(free_port()),
           "DATA_DIR": str(RUN_DIR / "feeder-data"), "ARCHIVE_ROOT": str(RUN_DIR / "feeder-archive"),
           "REDIS_URL": stack_env["REDIS_URL"].rsplit("/", 1)[0] + "/7",
           "YTARCHIVE_MAX_WORKERS": "1", "YTARCHIVE_DOWNLOADS_PER_WORKER": "2", "YTARCHIVE_FEED_WINDOW_FACTOR": "1",
           "YTARCHIVE_FEED_SECONDS": "1"}
    store.connect(env["REDIS_URL"]).flushdb()
    app = AppStack(env, RUN_DIR / "feeder-stack.log").start()
    try:
        yield app
    finally:
        app.stop()


def test_every_video_is_archived_through_a_window_of_two(small_window, fixture_site):
    api = Api(small_window.base_url, Api(small_window.base_url).post("/api/auth/token/", json=ADMIN)["token"])
    r = store.connect(small_window.env["REDIS_URL"])
    longest, stop = [0], threading.Event()

    def watch():  # the Redis list of download messages, sampled the whole time
        while not stop.is_set():
            longest[0] = max(longest[0], broker_queue.queue_length(r))
            stop.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        api.post("/api/channels/", expect=201, json={"url": f"{fixture_site.base_url}/channel/chan-bench-{VIDEOS}"})
        api.post(f"/api/channels/{CHANNEL_ID}/sync/", expect=202)
        waiting = wait_for(lambda: (p := api.get(f"/api/channels/{CHANNEL_ID}/progress/"))["queued"] > WINDOW and p,
                           120, "more videos queued than the window holds")
        progress = api.wait_settled(CHANNEL_ID, timeout=300)
    finally:
        stop.set()
        watcher.join()
    assert waiting["queued"] > WINDOW
    assert 0 < longest[0] <= WINDOW, f"{longest[0]} download messages in Redis for a window of {WINDOW}"
    assert progress["archived"] == VIDEOS, small_window.log_tail()
    root = Path(small_window.env["ARCHIVE_ROOT"])
    videos = {v["video_id"]: v for v in api.videos(CHANNEL_ID)}
    assert len(videos) == VIDEOS
    for vid, video in videos.items():
        assert video["status"] == "archived" and video["attempts"] == 1, video  # each sent once, run once
        assert (root / CHANNEL_ID / "videos" / vid / "video.mp4").read_bytes() == fixture_site.mp4_bytes(vid)
    assert tree.find_partial_files(root) == []
