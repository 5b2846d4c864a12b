"""Real podcast apps against a real archive's feed (issue 26): podget (wget -c underneath) and podboat
(newsboat's downloader) with their default settings, each in a home of its own, download every episode
byte-identical to the archive's file, each under its own name (before, every enclosure ended in
``/video.mp4`` and podget spliced them all into one file). podget subscribes through the OPML import,
which takes the last URL of an outline: the feed, written after htmlUrl. An audio-only channel's feed is
an audio podcast that gPodder's parser reads as such.

The apps are Debian's (the Makefile's APT_PACKAGES_TEST installs them).
"""
from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import podcastparser
import pytest
import requests

from tests.fixture_site import catalog
from tests.fixture_site.server import DEFAULT_SLOW_RATE
from tests.harness import add_fresh, wait_for

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not (shutil.which("podget") and shutil.which("podboat")),
                                 reason="podget and newsboat are installed by make test (APT_PACKAGES_TEST)")]

SLOW = catalog.get_channel(catalog.SLOW_CHANNEL_ID)
RETRY = catalog.get_channel(catalog.RETRY_CHANNEL_ID)


def _archived(api, fixture_site, handle: str, **options) -> dict:
    channel = add_fresh(api, f"{fixture_site.base_url}/@{handle}")
    if options:
        api.call("PATCH", f"/api/channels/{channel['id']}/", json=options)
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    return api.get(f"/api/channels/{channel['id']}/")


@pytest.fixture(scope="module")
def video_channel(api, fixture_site):
    fixture_site.slow_rate = 10 * 1024 * 1024  # its first video is a slow one
    try:
        return _archived(api, fixture_site, "fixtureslow")
    finally:
        fixture_site.slow_rate = DEFAULT_SLOW_RATE


def _archive_files(archive_root: Path, channel: dict) -> dict[str, bytes]:
    """``{video_id}.{ext}`` -> the archived bytes, for every archived video of the channel."""
    files = {}
    for folder in (archive_root / channel["id"] / "videos").iterdir():
        for video in folder.glob("video.*"):
            if video.suffix not in (".json", ".nfo"):
                files[f"{folder.name}{video.suffix}"] = video.read_bytes()
    return files


def _downloaded(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_podget_imports_the_opml_and_downloads_every_episode_byte_identical(video_channel, api, archive_root,
                                                                             tmp_path):
    expected = _archive_files(archive_root, video_channel)
    assert len(expected) == len(SLOW.tabs["videos"])
    home = tmp_path / "home"
    config = home / ".podget"
    environment = {**os.environ, "HOME": str(home)}
    run = {"env": environment, "capture_output": True, "text": True, "timeout": 120, "cwd": home}
    home.mkdir()
    created = subprocess.run(["podget", "-d", str(config), "--create-config", "podgetrc"], **run)
    assert created.returncode == 0, created.stdout + created.stderr
    (config / "serverlist").write_text("")  # not the sample feeds podget installs: only ours
    opml = tmp_path / "ytarchive.opml"
    opml.write_bytes(api.get("/api/feeds.opml").content)
    imported = subprocess.run(["podget", "-d", str(config), "--import_opml", str(opml)], **run)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    servers = (config / "serverlist").read_text()
    assert video_channel["feed_url"] in servers  # the feed, not the channel's page (htmlUrl)
    assert f"{video_channel['url']} " not in servers
    fetched = subprocess.run(["podget", "-d", str(config), "-v"], **run)
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    got = {name: data for name, data in _downloaded(home / "POD").items() if not name.endswith((".m3u", ".asx"))}
    assert {name for name in got if name in expected} == set(expected), sorted(got)
    for name, data in expected.items():
        assert got[name] == data, name  # whole, and nothing spliced from another episode
    again = subprocess.run(["podget", "-d", str(config), "-v"], **run)  # the next poll: nothing new, nothing spliced
    assert again.returncode == 0, again.stdout + again.stderr
    assert {name: data for name, data in _downloaded(home / "POD").items() if name in expected} == expected


def test_podboat_downloads_every_episode_byte_identical(video_channel, archive_root, tmp_path):
    expected = _archive_files(archive_root, video_channel)
    home = tmp_path / "home"
    (home / ".newsboat").mkdir(parents=True)
    (home / ".newsboat" / "urls").write_text(video_channel["feed_url"] + "\n")
    # The one setting away from the defaults: enqueue every enclosure on reload, as a user pressing "e" would.
    (home / ".newsboat" / "config").write_text("podcast-auto-enqueue yes\n")
    environment = {**os.environ, "HOME": str(home), "TERM": "xterm"}
    reload = subprocess.run(["newsboat", "-x", "reload"], env=environment, capture_output=True, text=True,
                            timeout=120, cwd=home)
    assert reload.returncode == 0, reload.stdout + reload.stderr
    queue = (home / ".newsboat" / "queue").read_text()
    assert sorted(line.split()[1].strip('"').rsplit("/", 1)[-1] for line in queue.splitlines() if line) == \
        sorted(expected)  # each episode its own file name
    # podboat is a terminal program: it runs in a pseudo-terminal (script) until every file is whole.
    podboat = subprocess.Popen(["script", "-qfec", "podboat -a", "/dev/null"], env=environment, cwd=home,
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        def whole():
            got = {name: data for name, data in _downloaded(home).items() if name in expected}
            return got if got == expected else None

        wait_for(whole, 120, "podboat to download every episode whole")
    finally:
        os.killpg(podboat.pid, signal.SIGTERM)
        podboat.wait(timeout=30)
    assert not [name for name in _downloaded(home) if name.startswith("video")]


def test_an_audio_only_channel_is_an_audio_podcast(api, fixture_site, archive_root):
    channel = _archived(api, fixture_site, "fixtureretry", audio_only="m4a")
    feed = requests.get(channel["feed_url"], timeout=30)
    assert feed.status_code == 200
    parsed = podcastparser.parse(channel["feed_url"], io.BytesIO(feed.content))
    expected = _archive_files(archive_root, channel)
    assert len(parsed["episodes"]) == len(RETRY.tabs["videos"]) == len(expected)
    for episode in parsed["episodes"]:
        (enclosure,) = episode["enclosures"]
        assert enclosure["mime_type"] == "audio/mp4" and enclosure["url"].endswith(".m4a")
        name = enclosure["url"].rsplit("/", 1)[-1]
        answer = requests.get(enclosure["url"], timeout=30)
        assert answer.headers["Content-Type"] == "audio/mp4" and answer.content == expected[name]
        assert enclosure["file_size"] == len(expected[name])
        assert answer.headers["Content-Disposition"] == f'inline; filename="{name}"'
    art = ET.fromstring(feed.content).find("channel/{http://www.itunes.com/dtds/podcast-1.0.dtd}image").get("href")
    image = requests.get(art, timeout=60)  # its poster or, without one, its newest video's thumbnail, squared
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert parsed["cover_url"] == art


def test_feeds_and_enclosures_answer_conditional_requests(video_channel):
    feed = requests.get(video_channel["feed_url"], timeout=30)
    assert feed.headers["ETag"] and feed.headers["Last-Modified"]
    unchanged = requests.get(video_channel["feed_url"], headers={"If-None-Match": feed.headers["ETag"]}, timeout=30)
    assert unchanged.status_code == 304 and unchanged.content == b""
    url = ET.fromstring(feed.content).find("channel/item/enclosure").get("url")
    first = requests.get(url, timeout=30)
    assert first.headers["ETag"].startswith('"') and first.headers["Last-Modified"]
    part = requests.get(url, headers={"Range": "bytes=10-19", "If-Range": first.headers["ETag"]}, timeout=30)
    assert part.status_code == 206 and part.content == first.content[10:20]
    stale = requests.get(url, headers={"Range": "bytes=10-19", "If-Range": '"not-this-file"'}, timeout=30)
    assert stale.status_code == 200 and stale.content == first.content
    beyond = requests.get(url, headers={"Range": f"bytes={len(first.content)}-"}, timeout=30)
    assert beyond.status_code == 416 and beyond.content == b""
    assert beyond.headers["Content-Range"] == f"bytes */{len(first.content)}"
    assert "Content-Type" not in beyond.headers
