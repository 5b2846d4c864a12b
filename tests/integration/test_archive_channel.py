"""End to end: the app as `make run` starts it archives the fixture channel through the API.

Real Redis, gunicorn, Celery workers (started by the local scaler), beat,
yt-dlp and ffmpeg, against the fixture site on 127.0.0.1. Assertions are on
the files: bytes equal to what the site served, the tree exactly as
documented, nothing temporary left, and a second sync downloading nothing.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from archiver import tree
from tests.fixture_site import catalog
from tests.fixture_site.media import mp4_path, subtitle_path
from tests.harness import Api, add_fresh, wait_for

pytestmark = pytest.mark.integration

MAIN = catalog.get_channel(catalog.MAIN_CHANNEL_ID)
MAIN_IDS = [vid for ids in MAIN.tabs.values() for vid in ids]
FAILING = {catalog.PRIVATE_ID, catalog.REMOVED_ID}
DOWNLOADABLE = [vid for vid in MAIN_IDS if vid not in FAILING]
CHANNEL_ID = "fixturesite-chan-main"


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under ``root`` with its inode, size and mtime: proof nothing was rewritten."""
    return {
        str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*")) if p.is_file()
    }


def media_requests(site) -> int:
    return sum(n for path, n in site.request_counts().items() if path.startswith("/media/"))


@pytest.fixture(scope="module")
def main_channel(api: Api, fixture_site):
    """The fixture channel, added through its @handle and synced once to the end."""
    fixture_site.reset()
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturemain")  # fresh, whichever file ran before
    assert channel["id"] == CHANNEL_ID
    job = api.post(f"/api/channels/{CHANNEL_ID}/sync/", expect=202)
    assert job["status"] in ("queued", "running", "succeeded")
    api.wait_settled(CHANNEL_ID)
    return channel


def test_first_sync_archives_every_video(main_channel, api: Api, archive_root: Path, fixture_media):
    progress = api.get(f"/api/channels/{CHANNEL_ID}/progress/")
    assert {k: progress[k] for k in ("total", "new", "queued", "downloading", "retrying", "archived", "failed")} == {
        "total": len(MAIN_IDS), "new": 0, "queued": 0, "downloading": 0, "retrying": 0,
        "archived": len(DOWNLOADABLE), "failed": len(FAILING),
    }
    assert progress["sync"]["status"] == "succeeded"
    assert progress["sync"]["videos_seen"] == len(MAIN_IDS)

    videos = {v["video_id"]: v for v in api.videos(CHANNEL_ID)}
    assert set(videos) == set(MAIN_IDS)
    media_dir = Path(fixture_media["media_dir"])
    channel_dir = archive_root / CHANNEL_ID
    for vid in DOWNLOADABLE:
        assert videos[vid]["status"] == "archived", videos[vid]
        folder = channel_dir / "videos" / vid
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        assert files == ["checksums.sha256", "subtitles/de.vtt", "subtitles/en.vtt", "thumbnail.jpg",
                         "video.info.json", "video.mp4", "video.nfo"], (vid, files)
        assert (folder / "video.mp4").read_bytes() == mp4_path(media_dir, vid).read_bytes()
        for lang in ("en", "de"):
            assert (folder / "subtitles" / f"{lang}.vtt").read_text().startswith("WEBVTT")
            served = subtitle_path(media_dir, vid, lang).read_text()
            assert (folder / "subtitles" / f"{lang}.vtt").read_text().split("\n\n", 1)[1].strip() \
                in served
        assert (folder / "thumbnail.jpg").read_bytes()[:3] == b"\xff\xd8\xff", f"{vid} thumbnail not JPEG"
        info = json.loads((folder / "video.info.json").read_text())
        assert info["id"] == vid
    for vid in FAILING:
        assert videos[vid]["status"] == "failed"
        assert videos[vid]["failure_kind"] == "permanent"
        assert not (channel_dir / "videos" / vid).exists()
    assert "Private video" in videos[catalog.PRIVATE_ID]["last_error"]
    assert "404" in videos[catalog.REMOVED_ID]["last_error"]


def test_flaky_video_was_retried_with_backoff(main_channel, api: Api):
    flaky = next(v for v in api.videos(CHANNEL_ID) if v["video_id"] == catalog.FLAKY_ID)
    assert flaky["status"] == "archived"
    assert flaky["attempts"] == catalog.FLAKY_FAILURES + 1


def test_tree_is_exactly_as_documented(main_channel, archive_root: Path, fixture_media):
    channel_dir = archive_root / CHANNEL_ID
    assert sorted(p.name for p in channel_dir.iterdir()) == ["banner.jpg", "metadata.json", "playlists", "poster.jpg",
                                                             "tvshow.nfo", "videos"]
    # The site's banner (banner_uncropped in the channel's thumbnails) and avatar, each archived whole.
    assert (channel_dir / "banner.jpg").read_bytes() == fixture_media["banners"][MAIN.id].read_bytes()
    assert (channel_dir / "poster.jpg").read_bytes() == fixture_media["avatars"][MAIN.avatar_key].read_bytes()
    assert sorted(p.name for p in (channel_dir / "videos").iterdir()) == sorted(DOWNLOADABLE)
    metadata = json.loads((channel_dir / "metadata.json").read_text())
    assert metadata["id"] == CHANNEL_ID and metadata["title"] == MAIN.title
    uploads = json.loads((channel_dir / "playlists" / "uploads.json").read_text())
    assert [p.name for p in (channel_dir / "playlists").iterdir()] == ["uploads.json"]
    assert sorted(v["id"] for v in uploads["videos"]) == sorted(MAIN_IDS)
    assert tree.find_partial_files(archive_root) == []


def test_hostile_title_never_reaches_a_path(main_channel, api: Api, archive_root: Path):
    weird = next(v for v in api.videos(CHANNEL_ID) if v["video_id"] == catalog.WEIRD_ID)
    assert weird["title"] == catalog.WEIRD_TITLE
    names = [p.name for p in archive_root.rglob("*")]
    assert all(len(name) < 100 and "\"" not in name and "🎬" not in name for name in names)


def test_resync_downloads_nothing_and_rewrites_no_file(main_channel, api: Api, archive_root: Path,
                                                       fixture_site):
    videos_root = archive_root / CHANNEL_ID / "videos"
    before = snapshot(videos_root)
    media_before = media_requests(fixture_site)
    for full in ("false", "true"):
        job = api.post(f"/api/channels/{CHANNEL_ID}/sync/?full={full}", expect=202)
        done = wait_for(lambda j=job: api.get(f"/api/syncs/{j['id']}/")["status"] in ("succeeded", "failed")
                        and api.get(f"/api/syncs/{j['id']}/"), 60, "the re-sync")
        assert done["status"] == "succeeded", done
        assert done["videos_queued"] == 0
        api.wait_settled(CHANNEL_ID)
    assert media_requests(fixture_site) == media_before
    assert snapshot(videos_root) == before


def test_same_channel_in_another_url_form_is_refused(main_channel, api: Api, fixture_site):
    body = api.post("/api/channels/", expect=409, json={"url": f"{fixture_site.base_url}/channel/chan-main"})
    assert "already" in body["detail"]


def test_retry_of_a_permanent_failure_requeues_it(main_channel, api: Api):
    private = next(v for v in api.videos(CHANNEL_ID) if v["video_id"] == catalog.PRIVATE_ID)
    requeued = api.post(f"/api/videos/{private['id']}/retry/", expect=202)
    assert requeued["status"] in ("new", "queued")
    wait_for(lambda: api.get(f"/api/videos/{private['id']}/")["status"] == "failed", 60, "the retry to fail")
    archived = next(v for v in api.videos(CHANNEL_ID) if v["status"] == "archived")
    body = api.post(f"/api/videos/{archived['id']}/retry/", expect=409)
    assert "not failed" in body["detail"]
    result = api.post(f"/api/channels/{CHANNEL_ID}/retry-failed/", expect=202)
    assert result["requeued"] == len(FAILING)
    api.wait_settled(CHANNEL_ID)
    assert api.get(f"/api/channels/{CHANNEL_ID}/progress/")["failed"] == len(FAILING)


def test_generic_extractor_feed_is_archived(api: Api, fixture_site, fixture_media, archive_root: Path):
    channel = api.post("/api/channels/", expect=201, json={"url": f"{fixture_site.base_url}/feeds/podcast.xml"})
    assert channel["extractor"] == "Generic"
    assert channel["id"].startswith("generic-")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    progress = api.wait_settled(channel["id"])
    assert progress["archived"] == 3 and progress["failed"] == 0
    for video in api.videos(channel["id"]):
        folder = archive_root / channel["id"] / "videos" / video["video_id"]
        mp4 = next(folder.glob("video.*"))
        assert mp4.read_bytes() == mp4_path(Path(fixture_media["media_dir"]), video["video_id"]).read_bytes()
        # The feed has no thumbnails: one is taken from the video itself (ffmpeg), for every media server.
        thumbnail = (folder / "thumbnail.jpg").read_bytes()
        assert thumbnail[:2] == b"\xff\xd8" and len(thumbnail) > 500
        assert (folder / "video.nfo").is_file()


def test_local_scaler_runs_download_workers_in_its_process_group(main_channel, stack, fixture_site, api: Api):
    """The workers are `celery -A config worker -Q downloads` children in the scaler's process group,
    with no database (YTARCHIVE_ROLE=download): supervisord's SIGKILL of that group takes them all."""
    log = stack.log_path.read_text(errors="replace")
    assert "started download worker pid=" in log
    pids = [int(m) for m in re.findall(r"started download worker pid=(\d+)", log)]
    alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    if not alive:  # they left after their idle time: give them work again
        body = api.post(f"/api/channels/{CHANNEL_ID}/retry-failed/", expect=202)
        assert body["requeued"] == len(FAILING)
        wait_for(lambda: re.findall(r"started download worker pid=(\d+)", stack.log_path.read_text()) != pids,
                 30, "a new worker")
        log = stack.log_path.read_text(errors="replace")
        alive = [int(m) for m in re.findall(r"started download worker pid=(\d+)", log)
                 if Path(f"/proc/{m}").exists()]
    checked = 0
    for pid in alive:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            group = os.getpgid(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue  # it just left after its idle time
        assert "celery -A config worker -Q downloads" in cmdline
        assert b"YTARCHIVE_ROLE=download" in environ
        scaler = int(stack.supervisorctl("pid", "scaler"))
        assert group == scaler  # the scaler leads the group that supervisord stops
        checked += 1
    assert checked
