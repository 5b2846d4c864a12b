"""A channel's download options, set through the API, decide what lands on disk (ffprobe says so).

The fixture site serves every video at two heights (120 and 60 pixels). One copy of the main
channel keeps 60p, only the videos tab, in mkv; one slow-channel copy keeps the audio alone.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.env_setup import RUN_DIR
from tests.fixture_site import catalog
from tests.harness import add_fresh, wait_for

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


MEMBERS = catalog.get_channel(catalog.MEMBERS_CHANNEL_ID)
COOKIES_TXT = ("# Netscape HTTP Cookie File\n"
               f"127.0.0.1\tFALSE\t/\tFALSE\t2000000000\t{catalog.MEMBER_COOKIE[0]}\t{catalog.MEMBER_COOKIE[1]}\n")


def chapters(path: Path) -> list[tuple[float, float, str]]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return [(float(c["start_time"]), float(c["end_time"]), c.get("tags", {}).get("title", ""))
            for c in json.loads(out)["chapters"]]


def test_members_channel_date_cutoff_sponsorblock_pacing_and_cookies(api, fixture_site, archive_root, stack_env):
    """One channel, every option of the kind only a real archive needs, through the whole stack:

    only the videos tab (its live tab stays empty); only videos published since 2024-02-27 (the
    oldest ends as skipped and its media is never fetched); SponsorBlock's sponsor segment marked
    as a chapter; a pause of 1.5-2 s before each download and 0.5 s between a listing's requests,
    one download at a time (the site's request times say so); the members-only video fails for good
    without cookies, and downloads once cookies are uploaded (never shown back, kept 0600)."""
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturemembers")
    cid = channel["id"]
    changed = api.call("PATCH", f"/api/channels/{cid}/", json={
        "tabs": "videos", "published_after": "2024-02-27", "sponsorblock_mark": "Sponsor",
        "sleep_min": 1.5, "sleep_max": 2, "sleep_requests": 0.5, "max_concurrent": 1})
    assert changed["effective"]["published_after"] == "2024-02-27"
    assert changed["effective"]["sponsorblock_mark"] == ["sponsor"] and changed["cookies"] == ""
    bad = api.call("PATCH", f"/api/channels/{cid}/", expect=400, json={"sponsorblock_remove": "chapter"})
    assert "chapter" in json.dumps(bad)
    fixture_site.reset()
    api.post(f"/api/channels/{cid}/sync/", expect=202)
    api.wait_settled(cid)

    videos = {v["video_id"]: v for v in api.videos(cid)}
    assert set(videos) == set(MEMBERS.tabs["videos"])  # the streams tab was not taken
    assert videos["vid-mem-02"]["status"] == "skipped" and "20240226" in videos["vid-mem-02"]["last_error"]
    assert fixture_site.request_count("/media/vid-mem-02.mp4") == 0
    members = videos[catalog.MEMBERS_ID]
    assert members["status"] == "failed" and members["failure_kind"] == "permanent"
    assert "members" in members["last_error"]
    assert {videos[v]["status"] for v in (catalog.SPONSORED_ID, "vid-mem-01")} == {"archived"}
    # The listing had no dates; the videos' own pages did, and the catalog keeps them.
    assert {v: videos[v]["upload_date"] for v in (catalog.SPONSORED_ID, "vid-mem-02")} == {
        catalog.SPONSORED_ID: catalog.VIDEOS[catalog.SPONSORED_ID].upload_date,
        "vid-mem-02": catalog.VIDEOS["vid-mem-02"].upload_date}

    # The sponsor segment (2-4 s) is a chapter of its own in the file.
    sponsored = archive_root / cid / "videos" / catalog.SPONSORED_ID / videos[catalog.SPONSORED_ID]["video_file"]
    marked = [(start, end) for start, end, title in chapters(sponsored) if "Sponsor" in title]
    assert marked == [catalog.SPONSOR_SEGMENTS[0][:2]]
    prefix = hashlib.sha256(catalog.SPONSORED_ID.encode()).hexdigest()[:4]
    assert fixture_site.request_count(f"/api/skipSegments/{prefix}") == 1  # SponsorBlock asked by its hash prefix

    # Pacing: the downloads' media requests came one at a time, each after a 1.5-2 s pause;
    # the listing's requests at least 0.5 s apart.
    starts = sorted(t for vid in (catalog.SPONSORED_ID, "vid-mem-01")
                    for t in fixture_site.request_times(f"/media/{vid}.mp4"))
    assert len(starts) == 2 and starts[1] - starts[0] >= 1.5, starts
    assert fixture_site.media_active_max <= 1
    page = fixture_site.request_times(f"/api/channel/{catalog.MEMBERS_CHANNEL_ID}/videos.json")[0]
    before = max(t for t in fixture_site.request_times(f"/api/channel/{catalog.MEMBERS_CHANNEL_ID}.json") if t < page)
    assert page - before >= 0.5, (before, page)  # the listing's request before it, and the pause between

    # Cookies: a file that is not one is refused with a reason; a good one is kept, never shown.
    refused = api.call("PUT", f"/api/channels/{cid}/cookies/", expect=400,
                       files={"file": ("cookies.txt", b"hello", "text/plain")})
    assert "Netscape" in json.dumps(refused)
    state = api.call("PUT", f"/api/channels/{cid}/cookies/", files={"file": ("cookies.txt", COOKIES_TXT.encode())})
    assert state == {"set": True, "used": "channel"}
    kept = Path(stack_env["DATA_DIR"]) / "cookies" / "channels" / f"{cid}.txt"
    assert kept.stat().st_mode & 0o777 == 0o600 and kept.read_text() == COOKIES_TXT
    shown = api.get(f"/api/channels/{cid}/")
    assert shown["cookies"] == "channel" and catalog.MEMBER_COOKIE[0] not in json.dumps(shown)
    assert catalog.MEMBER_COOKIE[0] not in (RUN_DIR / "stack.log").read_text(errors="replace")  # never logged
    api.post(f"/api/videos/{members['id']}/retry/", expect=(200, 202))
    api.wait_settled(cid)
    members = next(v for v in api.videos(cid) if v["video_id"] == catalog.MEMBERS_ID)
    assert members["status"] == "archived", members
    assert probe(archive_root / cid / "videos" / catalog.MEMBERS_ID / members["video_file"])

    # No cutoff any more: the skipped video is queued again at once and downloaded.
    api.call("PATCH", f"/api/channels/{cid}/", json={"published_after": None, "sleep_min": 0, "sleep_max": 0})
    wait_for(lambda: next(v for v in api.videos(cid) if v["video_id"] == "vid-mem-02")["status"] == "archived",
             120, "the once skipped video to be archived")
    # A full rescan (the listing has no dates) keeps the dates the videos' pages gave.
    api.post(f"/api/channels/{cid}/sync/?full=true", expect=202)
    api.wait_settled(cid)
    dates = {v["video_id"]: v["upload_date"] for v in api.videos(cid)}
    assert dates[catalog.SPONSORED_ID] == catalog.VIDEOS[catalog.SPONSORED_ID].upload_date
    api.call("DELETE", f"/api/channels/{cid}/cookies/", expect=204)
    assert not kept.exists() and api.get(f"/api/channels/{cid}/")["cookies"] == ""
