"""Issue 22: a channel removed with its files kept, then added again, adopts them at its first sync: every
archived video is playable with its file, size and dates, the podcast feed lists them all, fixity verifies,
and the site's media is not requested a second time."""
from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest
import requests

from archiver.download import archive_video
from tests.conftest import ADMIN
from tests.harness import add_fresh, wait_for
from tests.integration.test_download_guarantees import message

pytestmark = pytest.mark.integration


def media_requests(site) -> int:
    return sum(n for path, n in site.request_counts().items() if path.startswith("/media/"))


def test_a_worker_that_finds_the_folder_reports_what_it_holds(fixture_site, fixture_media, redis_client, tmp_path):
    """The worker's half, with no database: the "already archived" outcome carries the download's facts."""
    first = archive_video(message(fixture_site, "vid-main-01"), tmp_path, redis_client, lease_seconds=10)
    fixture_site.reset()
    again = archive_video(message(fixture_site, "vid-main-01"), tmp_path, redis_client, lease_seconds=10)
    assert again.already and fixture_site.request_counts() == {}
    same = ("video_file", "size_bytes", "subtitles", "title", "upload_date", "duration", "format_id", "height",
            "disk_bytes")
    assert {f: getattr(again, f) for f in same} == {f: getattr(first, f) for f in same}
    assert first.video_file and first.size_bytes and first.upload_date
    assert dataclasses.replace(again, already=False, seconds=first.seconds) == first


def web_session(base_url: str) -> requests.Session:
    """A browser's session: the login form, with its CSRF token."""
    session = requests.Session()
    session.get(f"{base_url}/login/", timeout=30)
    answer = session.post(f"{base_url}/login/", timeout=30, headers={"Referer": f"{base_url}/login/"}, data={
        **ADMIN, "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    assert answer.ok and "sessionid" in session.cookies, answer.text[:500]
    return session


def test_a_channel_added_again_adopts_the_files_it_left(api, stack, fixture_site, archive_root):
    url = f"{fixture_site.base_url}/channel/chan-bench-4"
    cid = add_fresh(api, url)["id"]
    api.post(f"/api/channels/{cid}/sync/", expect=202)
    api.wait_settled(cid)
    first = {v["video_id"]: v for v in api.videos(cid)}
    assert len(first) == 4 and all(v["status"] == "archived" and v["video_file"] for v in first.values()), [
        (v["video_id"], v["status"], v["video_file"], v["last_error"]) for v in first.values()]
    fetched = media_requests(fixture_site)

    api.call("DELETE", f"/api/channels/{cid}/", expect=204)  # its files stay
    assert sorted(p.name for p in (archive_root / cid / "videos").iterdir()) == sorted(first)
    assert api.post("/api/channels/", expect=201, json={"url": url})["id"] == cid
    api.post(f"/api/channels/{cid}/sync/", expect=202)
    api.wait_settled(cid)

    again = {v["video_id"]: v for v in api.videos(cid)}
    assert media_requests(fixture_site) == fetched  # nothing downloaded twice
    assert sorted(again) == sorted(first)
    for vid, video in again.items():
        assert video["status"] == "archived" and video["archived_at"]
        for field in ("video_file", "size_bytes", "upload_date", "duration", "subtitles", "title", "height"):
            assert video[field] == first[vid][field], (vid, field, video[field], first[vid][field])
    browser = web_session(stack.base_url)
    for vid, video in again.items():
        page = browser.get(f"{stack.base_url}/channels/{cid}/videos/{vid}/", timeout=30).text
        assert "Not archived yet" not in page and f"/media/{cid}/{vid}/{video['video_file']}" in page
        played = browser.get(f"{stack.base_url}/media/{cid}/{vid}/{video['video_file']}", timeout=30)
        assert played.status_code == 200 and played.content == fixture_site.mp4_bytes(vid)

    feed = requests.get(api.get(f"/api/channels/{cid}/")["feed_url"], timeout=30)
    items = ET.fromstring(feed.content).find("channel").findall("item")
    assert sorted(i.findtext("guid").split("/")[-1] for i in items) == sorted(first)

    since = api.post(f"/api/channels/{cid}/fixity/", expect=202)["since"]
    checked = wait_for(lambda: (s := api.get(f"/api/channels/{cid}/fixity/", params={"since": since}))["pending"] == 0
                       and s, 120, "the fixity check of the adopted files")
    assert checked["ok"] == checked["archived"] == 4 and checked["damaged"] == []
