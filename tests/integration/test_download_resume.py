"""Item 2 of issue 21, in-process: a stopped download keeps its partial files and the next attempt resumes them.

Real yt-dlp, real Redis, the fixture site (which honours ``Range`` and logs each request's Range header and
the bytes it sent). The worker-process version, with a deadline and SIGTERM, is test_download_across_jobs.
"""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from celery.exceptions import Reject

from archiver import tree
from archiver.download import archive_video
from archiver.messages import DownloadOptions, DownloadRequest
from archiver.state import download_locks, handbacks, outcome_outbox
from archiver.vocabulary import WorkerResult
from tests.fixture_site import catalog
from tests.fixture_site.media import mp4_path
from tests.harness import wait_for

pytestmark = pytest.mark.integration

CHANNEL = "fixturesite-chan-slow"
MEDIA = f"/media/{catalog.SLOW_ID}.mp4"


def message(site, video_id: str = catalog.SLOW_ID) -> DownloadRequest:
    return DownloadRequest(video_pk=7, channel_id=CHANNEL, video_id=video_id, attempt=1,
                           url=f"{site.base_url}/watch/{video_id}", duration=6.0,
                           options=DownloadOptions(format="bestvideo*+bestaudio/best", socket_timeout=5,
                                                   http_retries=0))


def media_requests(site, count: int) -> list:
    """The site's log of the slow video's media requests, once it holds ``count`` of them (a request is
    logged when its handler ends, a moment after the client has read the last byte)."""
    media = [e for e in site.request_log() if e.path == MEDIA]
    return media if len(media) >= count else []


def partial_bytes(root: Path) -> int:
    base = tree.resume_dir(root, CHANNEL, catalog.SLOW_ID)
    return sum(p.stat().st_size for p in base.rglob("*.part")) if base.is_dir() else 0


def test_a_stopped_download_is_resumed_not_fetched_again(fixture_site, fixture_media, redis_client, tmp_path):
    fixture_site.reset()
    fixture_site.slow_rate = 300 * 1024
    source = mp4_path(Path(fixture_media["media_dir"]), catalog.SLOW_ID).read_bytes()
    stop = threading.Event()
    watcher = threading.Thread(target=lambda: (wait_for(lambda: partial_bytes(tmp_path) > 200_000, 60,
                                                        "a third of the media on disk", poll=0.02), stop.set()))
    watcher.start()
    first = archive_video(message(fixture_site), tmp_path, redis_client, lease_seconds=3, should_stop=stop.is_set)
    watcher.join()
    assert first.status is WorkerResult.INTERRUPTED and 0.2 < first.done_fraction < 1.0, first
    kept = partial_bytes(tmp_path)
    assert 200_000 <= kept < len(source)
    assert not tree.is_archived(tmp_path, CHANNEL, catalog.SLOW_ID)  # nothing under a final name
    assert not redis_client.exists(download_locks.lock_key(CHANNEL, catalog.SLOW_ID))

    second = archive_video(message(fixture_site), tmp_path, redis_client, lease_seconds=3)
    assert second.status is WorkerResult.ARCHIVED and second.resumed_bytes >= kept, second
    final = tree.video_dir(tmp_path, CHANNEL, catalog.SLOW_ID)
    assert (final / "video.mp4").read_bytes() == source
    assert not tree.resume_dir(tmp_path, CHANNEL, catalog.SLOW_ID).exists()
    assert tree.find_partial_files(tmp_path) == []
    media = wait_for(lambda: media_requests(fixture_site, 2), 10, "the site to log both media requests")
    assert media[0].range in ("", "bytes=0-") and media[1].status == 206
    resumed_from = int(media[1].range.removeprefix("bytes=").split("-")[0])
    assert resumed_from == kept, media[1]
    served = sum(e.sent for e in media)
    assert len(source) <= served < 1.2 * len(source), f"{served} bytes served for a {len(source)}-byte file"


def test_a_stale_folder_of_a_dead_holder_is_taken_over(fixture_site, fixture_media, redis_client, tmp_path):
    """A holder killed mid-download (SIGKILL: no hand-back) left its folder under its own name; the next
    lease holder takes it over, resumes the best partial and removes the rest."""
    fixture_site.reset()
    fixture_site.slow_rate = 2_000 * 1024
    source = mp4_path(Path(fixture_media["media_dir"]), catalog.SLOW_ID).read_bytes()
    base = tree.resume_dir(tmp_path, CHANNEL, catalog.SLOW_ID)
    dead, older = base / "deadholder01", base / "olderholder2"
    dead.mkdir(parents=True)
    older.mkdir()
    (dead / "video.mp4.part").write_bytes(source[:300_000])
    (older / "video.mp4.part").write_bytes(source[:1000])
    outcome = archive_video(message(fixture_site), tmp_path, redis_client, lease_seconds=3)
    assert outcome.status is WorkerResult.ARCHIVED and outcome.resumed_bytes >= 300_000, outcome
    assert (tree.video_dir(tmp_path, CHANNEL, catalog.SLOW_ID) / "video.mp4").read_bytes() == source
    assert not base.exists()
    media = wait_for(lambda: media_requests(fixture_site, 1), 10, "the site to log the media request")
    assert [e.range for e in media] == ["bytes=300000-"] and media[0].sent == len(source) - 300_000


@pytest.fixture
def download_settings(settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path
    settings.YTARCHIVE = {**settings.YTARCHIVE, "MAX_HANDBACKS": 3}
    return settings


def test_hand_backs_are_counted_and_bounded(fixture_site, redis_client, download_settings):
    """A worker that keeps stopping hands the video back; the third hand-back is reported as a transient
    failure that says why (the control side's retry policy takes it from there)."""
    from downloads_app import tasks
    from downloads_app.worker_lifecycle import STOP

    body = message(fixture_site).as_dict()
    STOP.set()  # a worker told to stop before the download could start: each try is handed back
    try:
        for n in (1, 2):
            with pytest.raises(Reject) as rejected:
                tasks.download_video(body)
            assert rejected.value.requeue
            assert handbacks.progress(redis_client, CHANNEL, catalog.SLOW_ID)[0] == n
        assert tasks.download_video(body) == "failed"
    finally:
        STOP.clear()
    [report] = outcome_outbox.pending_outcomes(redis_client)
    assert report["status"] == "failed" and report["kind"] == "transient", report
    assert report["reason"].startswith("handed back 3 times without finishing"), report
    assert handbacks.progress(redis_client, CHANNEL, catalog.SLOW_ID) == (0, 0.0)  # counted afresh from here
    assert not redis_client.exists(download_locks.lock_key(CHANNEL, catalog.SLOW_ID))


@pytest.mark.django_db
def test_housekeeping_keeps_partials_while_their_video_waits(fixture_site, redis_client, settings, tmp_path):
    import os
    import time

    from channels_app.models import Video
    from channels_app.services import add_channel
    from downloads_app import reliability

    settings.ARCHIVE_ROOT = tmp_path
    settings.YTARCHIVE = {**settings.YTARCHIVE, "PARTIAL_KEEP_HOURS": 24}
    channel = add_channel(f"{fixture_site.base_url}/@fixtureslow")
    folders = {}
    for video_id, status in (("waiting", "queued"), ("retry", "retrying"), ("done", "archived"),
                             ("dead", "failed"), ("stale", "queued")):
        Video.objects.create(channel=channel, video_id=video_id, raw_id=video_id, url="x", status=status)
        folder, _ = tree.claim_download_dir(tmp_path, channel.id, video_id, "holder1")
        (folder / "video.mp4.part").write_bytes(b"half")
        folders[video_id] = tree.resume_dir(tmp_path, channel.id, video_id)
    hour_ago, two_days_ago = time.time() - 3600, time.time() - 2 * 86400
    for video_id, folder in folders.items():
        when = two_days_ago if video_id == "stale" else hour_ago
        for path in (folder, folder / "holder1", folder / "holder1" / "video.mp4.part"):
            os.utime(path, (when, when))
    removed = reliability.sweep_temp_dirs()
    assert sorted(removed) == sorted(str(folders[v]) for v in ("done", "dead", "stale"))
    assert folders["waiting"].is_dir() and folders["retry"].is_dir()
