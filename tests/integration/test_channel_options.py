"""A channel's download options, set through the API, decide what lands on disk (ffprobe says so).

The fixture site serves every video at two heights (120 and 60 pixels). One copy of the main
channel keeps 60p, only the videos tab, in mkv; one slow-channel copy keeps the audio alone.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.fixture_site import catalog
from tests.integration.test_faults import add_fresh

pytestmark = pytest.mark.integration

MAIN = catalog.get_channel(catalog.MAIN_CHANNEL_ID)


def probe(path: Path) -> list[dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["streams"]


def test_quality_container_and_tabs(api, fixture_site, archive_root):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturemain")
    changed = api.call("PATCH", f"/api/channels/{channel['id']}/",
                       json={"max_height": 100, "container": "mkv", "tabs": "videos"})
    assert changed["effective"]["tabs"] == ["videos"] and changed["effective"]["container"] == "mkv"
    assert api.call("PATCH", f"/api/channels/{channel['id']}/", expect=400, json={"tabs": "reels"})["errors"]
    api.call("PATCH", f"/api/channels/{channel['id']}/", json={"max_height": None})
    api.call("PATCH", f"/api/channels/{channel['id']}/", json={"max_height": 100})
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    videos = api.videos(channel["id"])
    assert {v["tab"] for v in videos} == {"videos"}  # shorts were not listed
    assert len(videos) == len(MAIN.tabs["videos"])
    archived = [v for v in videos if v["status"] == "archived"]
    assert archived
    for video in archived:
        assert video["video_file"] == "video.mkv" and video["height"] == 60 and video["format_id"] == "mp4-60"
        streams = probe(archive_root / channel["id"] / "videos" / video["video_id"] / "video.mkv")
        assert next(s for s in streams if s["codec_type"] == "video")["height"] == 60


def test_audio_only(api, fixture_site, archive_root):
    fixture_site.slow_rate = 10 * 1024 * 1024
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")
    api.call("PATCH", f"/api/channels/{channel['id']}/", json={"audio_only": "m4a", "sleep_min": 0.2,
                                                                "sleep_max": 0.4})
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    for video in api.videos(channel["id"]):
        assert video["status"] == "archived" and video["video_file"] == "video.m4a", video
        streams = probe(archive_root / channel["id"] / "videos" / video["video_id"] / "video.m4a")
        assert [s["codec_type"] for s in streams] == ["audio"]


def test_newest_n_and_skipped_keywords_decide_what_is_listed(api, fixture_site):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturemain")
    api.call("PATCH", f"/api/channels/{channel['id']}/", json={"newest_n": 4, "skip_keywords": "FLAKY, weird"})
    fixture_site.reset()
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    videos = api.videos(channel["id"])
    by_tab = {tab: [v["video_id"] for v in videos if v["tab"] == tab] for tab in MAIN.tabs}
    for tab, ids in MAIN.tabs.items():
        expected = [vid for vid in ids if vid not in (catalog.FLAKY_ID, catalog.WEIRD_ID)][:4]
        assert sorted(by_tab[tab]) == sorted(expected), (tab, by_tab[tab], expected)
    assert fixture_site.request_count(f"/api/video/{catalog.FLAKY_ID}.json") == 0  # never asked for


def test_a_channel_runs_at_most_its_own_number_of_downloads_at_once(api, fixture_site):
    fixture_site.slow_rate = 200 * 1024  # each download takes a while: they would overlap
    fixture_site.media_rate = 200 * 1024
    try:
        channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")
        api.call("PATCH", f"/api/channels/{channel['id']}/", json={"max_concurrent": 1})
        fixture_site.reset()
        api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
        api.wait_settled(channel["id"])
    finally:
        fixture_site.media_rate = 0
    assert all(v["status"] == "archived" for v in api.videos(channel["id"]))
    assert fixture_site.media_active_max == 1
