"""Item 2 of issue 21 with real worker processes: a video longer than a Job completes across Jobs.

Worker A has a 7-second deadline (YTARCHIVE_WORKER_DEADLINE_SECONDS, what a Job's activeDeadlineSeconds
becomes in its pod) and a video the fixture site serves in about 10 s. At its deadline less the grace it
stops itself as on SIGTERM: the download is handed back (counted), its partial files kept in the video's
download folder. Worker B, another process, takes the message again, resumes the partial with an HTTP
Range request and completes the video. The final folder appears only at publish, complete.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from archiver import tree
from archiver.scaling import worker_command
from archiver.state import broker_queue, handbacks, outcome_outbox, store
from tests.fixture_site import catalog
from tests.fixture_site.media import mp4_path
from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import Process, wait_for

pytestmark = pytest.mark.integration

CHANNEL = "fixturesite-chan-slow"
MEDIA = f"/media/{catalog.SLOW_ID}.mp4"


class FinalFolderWatch(threading.Thread):
    """Looks at the video's final folder every 10 ms and notes how it first appeared."""

    def __init__(self, final: Path, size: int):
        super().__init__(daemon=True)
        self.final, self.size = final, size
        self.first_seen: float | None = None
        self.complete_when_seen = False
        self.done = threading.Event()

    def run(self):
        # It looks once more after ``done`` is set: on a busy machine the test may finish before this thread
        # gets a turn, and then the folder it missed is seen (complete, later than A's exit) on the last look.
        while True:
            last = self.done.is_set()
            if self.final.is_dir():
                self.first_seen = time.monotonic()
                video = self.final / "video.mp4"
                self.complete_when_seen = (video.is_file() and video.stat().st_size == self.size
                                           and (self.final / "checksums.sha256").is_file())
                return
            if last:
                return
            self.done.wait(0.01)


def media_requests(site, count: int) -> list:
    """The media requests of the slow video once the site's log holds ``count`` (logged as each ends)."""
    media = [e for e in site.request_log() if e.path == MEDIA]
    return media if len(media) >= count else []


def worker_env(url: str, tmp_path: Path, **extra: str) -> dict:
    env = plugin_env()
    env.update({"REDIS_URL": url, "DATA_DIR": str(tmp_path), "ARCHIVE_ROOT": str(tmp_path / "archive"),
                "YTARCHIVE_ROLE": "download", "YTARCHIVE_LEASE_SECONDS": "3",
                "YTARCHIVE_SHUTDOWN_GRACE_SECONDS": "1", "YTARCHIVE_WORKER_IDLE_SECONDS": "60",
                "YTARCHIVE_SECONDS_PER_VIDEO_SECOND": "0.1", **extra})
    return env


def slow_message(site) -> dict:
    return {"video_pk": 9, "channel_id": CHANNEL, "video_id": catalog.SLOW_ID, "attempt": 1, "duration": 6.0,
            "url": f"{site.base_url}/watch/{catalog.SLOW_ID}",
            "options": {"format": "best", "socket_timeout": 10.0, "http_retries": 1, "rate_limit": 0}}


def partial_bytes(root: Path) -> int:
    base = tree.resume_dir(root, CHANNEL, catalog.SLOW_ID)
    return sum(p.stat().st_size for p in base.rglob("*.part")) if base.is_dir() else 0


def test_a_video_longer_than_a_job_completes_across_jobs(redis_server, fixture_site, fixture_media, tmp_path):
    from config.celery import app
    from downloads_app.tasks import download_video

    url = redis_server.url.rsplit("/", 1)[0] + "/6"
    live = store.connect(url)
    live.flushdb()
    root = tmp_path / "archive"
    source = mp4_path(Path(fixture_media["media_dir"]), catalog.SLOW_ID).read_bytes()
    fixture_site.reset()
    fixture_site.slow_rate = len(source) // 10  # about 10 s for the whole file
    env = worker_env(url, tmp_path)
    message = slow_message(fixture_site)
    final = tree.video_dir(root, CHANNEL, catalog.SLOW_ID)
    watch = FinalFolderWatch(final, len(source))
    watch.start()
    with app.connection_for_write(url) as connection:
        download_video.apply_async((message,), connection=connection,
                                    queue=broker_queue.DOWNLOADS_QUEUE)
    # 7 s less 3 s of grace: about 4 s of work. The grace is what a stop needs to reach the download
    # (it may be in ffmpeg, converting the thumbnail, on a busy machine): past it the worker stops cold.
    job_a = Process(worker_command("job-a"), {**env, "YTARCHIVE_WORKER_DEADLINE_SECONDS": "7",
                                              "YTARCHIVE_SHUTDOWN_GRACE_SECONDS": "3"},
                    tmp_path / "job-a.log").start()
    job_b = None
    try:
        # Job A: started the download, then stopped itself at its deadline (no signal from the test).
        assert job_a.proc.wait(timeout=90) == 0, (tmp_path / "job-a.log").read_text()[-3000:]
        a_exited = time.monotonic()
        log_a = (tmp_path / "job-a.log").read_text()
        assert "worker deadline reached" in log_a, log_a[-3000:]
        assert "handing it back, its partial files kept" in log_a, log_a[-3000:]
        kept = partial_bytes(root)
        assert 0 < kept < len(source), kept
        assert not final.exists()
        count, done = handbacks.progress(live, CHANNEL, catalog.SLOW_ID)
        assert count == 1 and 0 < done < 1, (count, done)
        assert broker_queue.queue_length(live) == 1  # handed back to the queue

        job_b = Process(worker_command("job-b"), env, tmp_path / "job-b.log").start()
        wait_for(final.is_dir, 90, "job B to finish the video")
        reports = wait_for(lambda: outcome_outbox.pending_outcomes(live), 20, "the report in the outbox")
        assert [(r["video_id"], r["status"]) for r in reports] == [(catalog.SLOW_ID, "archived")], reports
        assert (final / "video.mp4").read_bytes() == source
        assert "resuming: " in (tmp_path / "job-b.log").read_text()
    finally:
        watch.done.set()
        job_a.stop()
        if job_b is not None:
            job_b.stop()
    watch.join(5)
    assert watch.first_seen is not None and watch.first_seen > a_exited
    assert watch.complete_when_seen, "the final folder was visible before it was complete"
    assert tree.find_partial_files(root) == []
    assert handbacks.progress(live, CHANNEL, catalog.SLOW_ID) == (0, 0.0)  # forgotten with the outcome
    media = wait_for(lambda: media_requests(fixture_site, 2), 10, "the site to log both media requests")
    start = int(media[1].range.removeprefix("bytes=").split("-")[0] or 0)
    assert media[1].status == 206 and start == kept, media[1]
    served = sum(e.sent for e in media)
    assert len(source) <= served < 1.2 * len(source), f"{served} bytes served for a {len(source)}-byte file"


def test_a_worker_near_its_deadline_hands_back_unstarted_and_takes_no_more(redis_server, fixture_site, tmp_path):
    """Less time left than the download needs: the message goes back to the queue untouched (no request to
    the site, no hand-back counted) and the worker stops consuming, then exits."""
    from config.celery import app
    from downloads_app.tasks import download_video

    url = redis_server.url.rsplit("/", 1)[0] + "/6"
    live = store.connect(url)
    live.flushdb()
    fixture_site.reset()
    with app.connection_for_write(url) as connection:
        download_video.apply_async((slow_message(fixture_site),), connection=connection,
                                    queue=broker_queue.DOWNLOADS_QUEUE)
    # 6 s to work (30 s less 24 s of grace); 6 s of video at 2 s per second needs min(12, 30 / 2) = 12 s.
    env = worker_env(url, tmp_path, YTARCHIVE_WORKER_DEADLINE_SECONDS="30", YTARCHIVE_SHUTDOWN_GRACE_SECONDS="24",
                     YTARCHIVE_SECONDS_PER_VIDEO_SECOND="2", YTARCHIVE_WORKER_IDLE_SECONDS="3")
    worker = Process(worker_command("near-deadline"), env, tmp_path / "worker.log").start()
    try:
        assert worker.proc.wait(timeout=90) == 0
    finally:
        worker.stop()
    log = (tmp_path / "worker.log").read_text()
    assert "this worker takes no more work" in log, log[-3000:]
    # Refused once, not again and again: it stopped consuming, and left as soon as it was idle.
    assert log.count("not started: ") == 1 and "deadline near and nothing running: worker exits" in log, log[-3000:]
    assert broker_queue.queue_length(live) == 1  # the message waits for a worker with time
    assert handbacks.progress(live, CHANNEL, catalog.SLOW_ID) == (0, 0.0)
    assert fixture_site.request_log() == []
    assert not (tmp_path / "archive").exists() or tree.find_partial_files(tmp_path / "archive") == []
