"""The offline fixture site works with real yt-dlp (as a library) through the test plugin.

These tests pin the behaviour other tests rely on: ids and order of listings, lazy paging,
byte-exact downloads, and the failure modes (private, removed, flaky) with the messages yt-dlp
produces for them. Everything runs against 127.0.0.1; nothing touches the internet.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import time
from pathlib import Path

import pytest
import requests
import urllib3
import yt_dlp
from yt_dlp.utils import DownloadError, unsmuggle_url

from tests.fixture_site import catalog, media
from tests.fixture_site.media import build_media
from tests.fixture_site.pytest_plugin import plugin_dir
from tests.fixture_site.server import DEFAULT_SLOW_RATE

# The fixtures (fixture_media, fixture_site) come from tests.fixture_site.pytest_plugin, which
# tests/conftest.py registers; importing it above also put the yt-dlp plugin dir on sys.path.

_YDL_LOGGER = logging.getLogger("tests.yt_dlp")


def make_ydl(**params) -> yt_dlp.YoutubeDL:
    """A quiet YoutubeDL that logs through ``logging`` (visible in pytest's captured logs)."""
    return yt_dlp.YoutubeDL({"logger": _YDL_LOGGER, "noprogress": True, **params})


@pytest.fixture
def site(fixture_site):
    fixture_site.reset()
    return fixture_site


def flat_ids(url: str, **params) -> list[str]:
    with make_ydl(extract_flat="in_playlist", **params) as ydl:
        return [entry["id"] for entry in ydl.extract_info(url, download=False)["entries"]]


def test_plugin_is_loaded_from_the_tests_dir():
    with make_ydl() as ydl:
        ie = ydl.get_info_extractor("FixtureSite")
    assert Path(sys.modules[type(ie).__module__].__file__).is_relative_to(plugin_dir())
    assert ie.suitable("http://127.0.0.1:1234/watch/x")
    assert ie.suitable("http://localhost:1234/watch/x")
    assert not ie.suitable("https://www.youtube.com/watch/x")
    assert not ie.suitable("http://127.0.0.1:1234/feeds/podcast.xml")


def test_catalog_shape():
    assert len(catalog.DOWNLOADABLE_IDS) >= 12
    assert len(catalog.TABS[("chan-main", "videos")]) >= 10
    assert len(catalog.TABS[("chan-main", "shorts")]) == 3
    for ids in catalog.TABS.values():
        dates = [catalog.VIDEOS[vid].upload_date for vid in ids]
        assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
    title = catalog.VIDEOS["vid-weird"].title
    assert len(title) == 300 and all(part in title for part in ("/", "..", '"', "'", "🎬"))


def test_media_cache_is_reused(fixture_media):
    mp4 = fixture_media["videos"]["vid-main-01"]["mp4"]
    before = mp4.stat().st_mtime_ns
    assert build_media(fixture_media["media_dir"])["videos"]["vid-main-01"]["mp4"] == mp4
    assert mp4.stat().st_mtime_ns == before


def test_channel_and_handle_urls_are_the_same_playlist(site):
    results = []
    with make_ydl(extract_flat="in_playlist") as ydl:
        for url in (f"{site.base_url}/channel/chan-main", f"{site.base_url}/@fixturemain"):
            results.append(ydl.extract_info(url, download=False))
    by_id, by_handle = results
    for info in results:
        assert info["_type"] == "playlist"
        assert info["extractor_key"] == "FixtureSiteChannel"
        assert info["id"] == info["channel_id"] == "chan-main"
        assert info["channel"] == info["uploader"] == info["title"] == "Fixture Main Channel"
        assert info["description"]
        assert info["channel_url"] == f"{site.base_url}/channel/chan-main"
        assert info["thumbnails"][0]["url"] == f"{site.base_url}/avatars/chan-main.jpg"
    tabs = [(e["url"], e["ie_key"], e["id"]) for e in by_id["entries"]]
    assert tabs == [(e["url"], e["ie_key"], e["id"]) for e in by_handle["entries"]] == [
        (f"{site.base_url}/channel/chan-main/videos", "FixtureSiteTab", "chan-main-videos"),
        (f"{site.base_url}/channel/chan-main/shorts", "FixtureSiteTab", "chan-main-shorts"),
    ]


@pytest.mark.parametrize("channel_id, tab", sorted(catalog.TABS))
def test_tab_listing_is_ordered_and_paged(site, channel_id, tab):
    expected = list(catalog.TABS[(channel_id, tab)])
    with make_ydl(extract_flat="in_playlist") as ydl:
        info = ydl.extract_info(f"{site.base_url}/channel/{channel_id}/{tab}", download=False)
    assert info["id"] == f"{channel_id}-{tab}"
    assert info["channel_id"] == channel_id
    assert info["playlist_count"] == len(expected)
    entries = info["entries"]
    assert [e["id"] for e in entries] == expected
    first = catalog.VIDEOS[expected[0]]
    assert entries[0]["url"] == f"{site.base_url}/watch/{first.id}"
    assert entries[0]["ie_key"] == "FixtureSite"
    assert (entries[0]["title"], entries[0]["duration"]) == (first.title, first.duration)
    page_size = catalog.CHANNELS[channel_id].page_size
    pages = math.ceil(len(expected) / page_size)
    assert site.request_count(f"/api/channel/{channel_id}/{tab}.json") == pages


def test_tab_listing_is_lazy(site):
    assert flat_ids(f"{site.base_url}/@fixturemain/videos", playlistend=3) == list(
        catalog.TABS[("chan-main", "videos")][:3])
    assert site.request_count("/api/channel/chan-main/videos.json") == 1


def test_big_channel_is_synthetic(site):
    ids = flat_ids(f"{site.base_url}/channel/chan-big-120/videos")
    assert len(ids) == 120 and ids[0] == "big-120-00001" and ids[-1] == "big-120-00120"
    assert site.request_count("/api/channel/chan-big-120/videos.json") == 3
    response = requests.get(f"{site.base_url}/api/video/big-120-00001.json", timeout=5)
    assert response.status_code == 404


def test_normal_video_downloads_byte_exact(site, fixture_media, tmp_path):
    params = {
        "paths": {"home": str(tmp_path)}, "outtmpl": "%(id)s.%(ext)s",
        "writeinfojson": True, "writethumbnail": True,
        "writesubtitles": True, "subtitleslangs": ["all"], "subtitlesformat": "vtt",
    }
    with make_ydl(**params) as ydl:
        info = ydl.extract_info(f"{site.base_url}/watch/vid-main-01")
    files = fixture_media["videos"]["vid-main-01"]
    assert (tmp_path / "vid-main-01.mp4").read_bytes() == files["mp4"].read_bytes()
    assert (tmp_path / "vid-main-01.jpg").read_bytes() == files["thumbnail"].read_bytes()
    for lang in ("en", "de"):
        sub = (tmp_path / f"vid-main-01.{lang}.vtt").read_bytes()
        assert sub == files["subtitles"][lang].read_bytes() and sub.startswith(b"WEBVTT")
    meta = json.loads((tmp_path / "vid-main-01.info.json").read_text(encoding="utf-8"))
    video = catalog.VIDEOS["vid-main-01"]
    for key in ("id", "title", "description", "upload_date", "duration"):
        assert meta[key] == info[key] == getattr(video, key)
    assert meta["channel_id"] == "chan-main" and meta["channel"] == "Fixture Main Channel"
    assert meta["extractor_key"] == "FixtureSite"
    assert meta["filesize"] == files["mp4"].stat().st_size


def test_webp_thumbnail_and_weird_title(site, fixture_media, tmp_path):
    params = {"paths": {"home": str(tmp_path)}, "outtmpl": "%(id)s.%(ext)s",
              "writethumbnail": True, "skip_download": True}
    with make_ydl(**params) as ydl:
        ydl.extract_info(f"{site.base_url}/watch/vid-webp")
        weird = ydl.extract_info(f"{site.base_url}/watch/vid-weird", download=False)
    thumb = fixture_media["videos"]["vid-webp"]["thumbnail"]
    assert thumb.suffix == ".webp"
    assert (tmp_path / "vid-webp.webp").read_bytes() == thumb.read_bytes()
    assert weird["title"] == catalog.WEIRD_TITLE


def test_private_video(site):
    with make_ydl() as ydl, pytest.raises(DownloadError, match="Private video"):
        ydl.extract_info(f"{site.base_url}/watch/vid-private", download=False)


def test_removed_video(site):
    with make_ydl() as ydl, pytest.raises(DownloadError, match="HTTP Error 404"):
        ydl.extract_info(f"{site.base_url}/watch/vid-removed", download=False)


def test_flaky_video_fails_twice_then_succeeds(site):
    url = f"{site.base_url}/watch/vid-flaky"
    with make_ydl() as ydl:
        for _ in range(2):
            with pytest.raises(DownloadError, match="HTTP Error 503"):
                ydl.extract_info(url, download=False)
        assert ydl.extract_info(url, download=False)["id"] == "vid-flaky"
        assert site.request_count("/api/video/vid-flaky.json") == 3
        site.reset()
        with pytest.raises(DownloadError, match="HTTP Error 503"):
            ydl.extract_info(url, download=False)


def test_rss_feed_is_left_to_the_generic_extractor(site, fixture_media, tmp_path):
    feed_url = f"{site.base_url}/feeds/podcast.xml"
    with make_ydl(paths={"home": str(tmp_path)}, outtmpl="%(id)s.%(ext)s") as ydl:
        feed = ydl.extract_info(feed_url, download=False, process=False)
        assert feed["_type"] == "playlist"
        assert feed["extractor_key"] == "Generic"
        assert feed["id"] == feed_url
        entries = list(feed["entries"])
        assert [unsmuggle_url(e["url"])[0] for e in entries] == [
            f"{site.base_url}/media/{vid}.mp4" for vid in catalog.FEED_VIDEO_IDS]
        info = ydl.process_ie_result(entries[0], download=True)
    first = catalog.FEED_VIDEO_IDS[0]
    assert (info["id"], info["extractor_key"]) == (first, "Generic")
    expected = fixture_media["videos"][first]["mp4"].read_bytes()
    assert (tmp_path / f"{first}.mp4").read_bytes() == expected


def test_media_ranges_and_throttling(site, fixture_media):
    data = fixture_media["videos"]["vid-main-02"]["mp4"].read_bytes()
    url = f"{site.base_url}/media/vid-main-02.mp4"
    response = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=5)
    assert response.status_code == 206 and response.content == data[10:20]
    assert response.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    response = requests.get(url, headers={"Range": f"bytes={len(data)}-"}, timeout=5)
    assert response.status_code == 416
    whole = requests.get(url, timeout=5)
    assert whole.content == data and whole.headers["Content-Length"] == str(len(data))

    site.slow_rate = 100_000
    try:
        started = time.monotonic()
        response = requests.get(f"{site.base_url}/media/vid-slow.mp4",
                                headers={"Range": "bytes=0-49999"}, timeout=10)
        elapsed = time.monotonic() - started
    finally:
        site.slow_rate = DEFAULT_SLOW_RATE
    assert len(response.content) == 50_000
    assert 0.4 < elapsed < 3


def test_media_rate_and_first_byte_delay_apply_to_every_file(site, fixture_media):
    data = fixture_media["videos"]["vid-main-03"]["mp4"].read_bytes()
    rate = len(data) * 2  # half a second for the whole file
    site.media_rate, site.first_byte_delay = rate, 0.2
    try:
        started = time.monotonic()
        requests.get(f"{site.base_url}/api/channel/chan-main.json", timeout=5).raise_for_status()
        answered = time.monotonic() - started
        started = time.monotonic()
        response = requests.get(f"{site.base_url}/media/vid-main-03.mp4", timeout=10)
        elapsed = time.monotonic() - started
    finally:
        site.media_rate, site.first_byte_delay = 0, 0.0
    assert response.content == data
    assert 0.2 <= answered < 1.5
    assert 0.2 + 0.4 < elapsed < 3  # the delay, then the file at its capped rate


def test_bench_channel_has_real_distinct_media_of_the_asked_size(site, tmp_path):
    assert catalog.resolve_handle("@fixturebench3") == "chan-bench-3"
    assert flat_ids(f"{site.base_url}/@fixturebench3/videos") == [
        "bench-3-00001", "bench-3-00002", "bench-3-00003"]
    assert catalog.get_video("bench-3-00004") is None
    site.bench_mb = 0.25
    try:
        params = {"paths": {"home": str(tmp_path)}, "outtmpl": "%(id)s.%(ext)s", "writethumbnail": True,
                  "writesubtitles": True, "subtitleslangs": ["all"]}
        with make_ydl(**params) as ydl:
            for vid in ("bench-3-00001", "bench-3-00002"):
                ydl.extract_info(f"{site.base_url}/watch/{vid}")
        first, second = (site.mp4_bytes(f"bench-3-0000{i}") for i in (1, 2))
    finally:
        site.bench_mb = media.bench_mb()
    assert len(first) == len(second) == int(0.25 * 1024 * 1024) and first != second
    assert first[4:8] == b"ftyp" and b"free" + b"ytarchive bench video bench-3-00001" in first
    assert (tmp_path / "bench-3-00001.mp4").read_bytes() == first
    assert (tmp_path / "bench-3-00002.mp4").read_bytes() == second
    assert (tmp_path / "bench-3-00001.jpg").read_bytes()[:3] == b"\xff\xd8\xff"
    assert (tmp_path / "bench-3-00001.en.vtt").read_text().startswith("WEBVTT")


def _fault_pattern(site, path: str, tries: int) -> list[str]:
    """What ``tries`` requests of ``path`` got: "ok", "503" or "cut" (fewer bytes than promised)."""
    seen = []
    for _ in range(tries):
        with requests.get(site.base_url + path, timeout=10, stream=True) as response:
            if response.status_code == 503:
                seen.append("503")
                continue
            assert response.status_code == 200
            try:
                body = response.raw.read(decode_content=False)
            except urllib3.exceptions.ProtocolError:  # the connection closed before Content-Length bytes
                seen.append("cut")
                continue
            seen.append("ok" if len(body) == int(response.headers["Content-Length"]) else "cut")
    return seen


def test_flaky_media_fails_a_seeded_fraction_and_the_same_ones_again(site, fixture_media):
    data = fixture_media["videos"]["vid-main-04"]["mp4"].read_bytes()
    site.media_faults, site.media_fault_seed = 0.5, 7
    try:
        first = _fault_pattern(site, "/media/vid-main-04.mp4", 40)
        site.reset()
        again = _fault_pattern(site, "/media/vid-main-04.mp4", 40)
        site.reset()
        site.media_fault_seed = 8
        other_seed = _fault_pattern(site, "/media/vid-main-04.mp4", 40)
        counts = dict(site.media_fault_counts)
    finally:
        site.media_faults, site.media_fault_seed = 0.0, 0
    assert first == again != other_seed  # deterministic by seed and request number
    assert {"ok", "503", "cut"} <= set(first)
    assert 8 <= first.count("ok") <= 32  # about half
    assert counts == {"503": other_seed.count("503"), "cut": other_seed.count("cut")}
    assert requests.get(f"{site.base_url}/media/vid-main-04.mp4", timeout=10).content == data  # off again
