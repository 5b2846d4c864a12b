"""What other programs read (issue 14): an archive readable by another user, NFO files for media servers,
a podcast feed per channel behind a secret token, an OPML of them, and Apprise notifications.

The channel is the fixture's members channel (videos tab only, no cookies): three videos are archived,
the members-only one fails for good, which is what a notification should say.
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.env_setup import RUN_DIR
from tests.fixture_site import catalog
from tests.harness import add_fresh, wait_for

pytestmark = pytest.mark.integration

MEMBERS = catalog.get_channel(catalog.MEMBERS_CHANNEL_ID)
ARCHIVED = [v for v in MEMBERS.tabs["videos"] if v != catalog.MEMBERS_ID]


@pytest.fixture(scope="module")
def members(api, fixture_site, notify_sink):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturemembers")
    channel["notified_from"] = notify_sink.mark()  # earlier tests' messages about a channel of that name
    api.call("PATCH", f"/api/channels/{channel['id']}/", json={
        "tabs": "videos", "notify_urls": notify_sink.url("/channel")})
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    return {**api.get(f"/api/channels/{channel['id']}/"), "notified_from": channel["notified_from"]}


def test_the_archive_is_readable_by_another_user(members, archive_root):
    base = archive_root / members["id"]
    for path in [base, *base.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
    video = next((base / "videos" / ARCHIVED[0]).glob("video.*"))
    if os.geteuid() == 0 and shutil.which("setpriv"):  # as "nobody", the way a media server's user would
        RUN_DIR.chmod(0o711)  # the test run's own folder (mkdtemp: 0700) must let it through to the archive
        read = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", str(video)],
                              capture_output=True, timeout=30)
        assert read.returncode == 0 and read.stdout == video.read_bytes(), read.stderr


def test_nfo_files_for_media_servers_and_facts_from_each_video(members, archive_root, api):
    base = archive_root / members["id"]
    show = ET.parse(base / "tvshow.nfo").getroot()
    assert show.tag == "tvshow" and show.findtext("title") == MEMBERS.title
    assert show.findtext("thumb") == "poster.jpg" and (base / "poster.jpg").read_bytes()[:2] == b"\xff\xd8"
    assert not (base / "banner.jpg").exists()  # the site lists no banner for this channel
    by_id = {v["video_id"]: v for v in api.videos(members["id"])}
    for video_id in ARCHIVED:
        fixture = catalog.VIDEOS[video_id]
        folder = base / "videos" / video_id
        episode = ET.parse(folder / "video.nfo").getroot()
        aired = f"{fixture.upload_date[:4]}-{fixture.upload_date[4:6]}-{fixture.upload_date[6:]}"
        assert episode.tag == "episodedetails"
        assert (episode.findtext("title"), episode.findtext("aired"), episode.findtext("studio")) == (
            fixture.title, aired, MEMBERS.title)
        assert episode.findtext("plot").startswith(f"Description of {video_id}")
        assert episode.findtext("runtime") == "1" and episode.findtext("thumb") == "thumbnail.jpg"
        assert (folder / "thumbnail.jpg").is_file()
        row = by_id[video_id]  # the listing had no date: the video's own page filled it in
        assert row["upload_date"] == fixture.upload_date and row["duration"] == fixture.duration


def test_nfo_files_of_videos_archived_before_are_written_on_request(members, archive_root, api):
    nfo = archive_root / members["id"] / "videos" / ARCHIVED[0] / "video.nfo"
    nfo.unlink()
    assert api.post(f"/api/channels/{members['id']}/nfo/", expect=202) == {"queued": members["id"]}
    wait_for(nfo.is_file, 30, "the missing video.nfo to be written")
    assert ET.parse(nfo).getroot().findtext("title") == catalog.VIDEOS[ARCHIVED[0]].title
    assert stat.S_IMODE(nfo.stat().st_mode) == 0o644


def test_podcast_feed_with_a_secret_token_and_ranged_enclosures(members, api, archive_root):
    feed_url = members["feed_url"]
    token = parse_qs(urlsplit(feed_url).query)["token"][0]
    bare = feed_url.split("?")[0]
    assert requests.get(bare, timeout=30).status_code == 404
    assert requests.get(f"{bare}?token=wrong", timeout=30).status_code == 404
    answer = requests.get(feed_url, timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(answer.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == MEMBERS.title and channel.findtext("description")
    assert channel.findtext("link") == members["url"]  # the channel's own page, not the feed (with its token)
    items = channel.findall("item")
    assert sorted(i.findtext("guid").split("/")[-1] for i in items) == sorted(ARCHIVED)
    newest = items[0]
    assert newest.findtext("guid").endswith(ARCHIVED[0])  # newest first
    enclosure = newest.find("enclosure")
    video = next((archive_root / members["id"] / "videos" / ARCHIVED[0]).glob("video.*"))
    assert int(enclosure.get("length")) == video.stat().st_size and enclosure.get("type") == "video/mp4"
    assert newest.findtext("pubDate").endswith("+0000") and newest.findtext("title") == \
        catalog.VIDEOS[ARCHIVED[0]].title
    part = requests.get(enclosure.get("url"), headers={"Range": "bytes=100-199"}, timeout=30)
    assert part.status_code == 206 and part.content == video.read_bytes()[100:200]
    assert enclosure.get("url").endswith(f"/{ARCHIVED[0]}/{ARCHIVED[0]}.mp4") and token in enclosure.get("url")
    assert requests.get(enclosure.get("url").replace(token, "wrong"), timeout=30).status_code == 404

    # The OPML lists it; a new address ends the old one.
    opml = ET.fromstring(api.get("/api/feeds.opml").content)
    outline = next(o for o in opml.iter("outline") if o.get("title") == MEMBERS.title)
    assert outline.get("xmlUrl") == feed_url and outline.get("type") == "rss"
    rotated = api.post(f"/api/channels/{members['id']}/feed-token/")["feed_url"]
    assert token not in rotated and requests.get(rotated, timeout=30).status_code == 200
    assert requests.get(feed_url, timeout=30).status_code == 404
    assert requests.get(enclosure.get("url"), timeout=30).status_code == 404


def test_notifications_of_new_videos_and_failures_reach_apprise(members, notify_sink, api):
    def told(path):
        titles = [m.get("title", "") for m in notify_sink.messages(path, since=members["notified_from"])]
        new = [t for t in titles if "archived" in t and MEMBERS.title in t]
        failed = [t for t in titles if "failed for good" in t and MEMBERS.title in t]
        return (new, failed) if failed and sum(int(t.split()[0]) for t in new) >= 3 else None

    new, failed = wait_for(lambda: told("/all"), 60, "the global Apprise URL to be told")
    retried = any(v["attempts"] > 1 for v in api.videos(members["id"]))
    counts = [int(t.split()[0]) for t in new]
    assert sum(counts) == 3, new
    if not retried:  # one message for the whole sync (a video waiting for a retry does not hold the news back)
        assert new == ["3 new videos archived: Fixture Members Channel"]
    assert failed == ["1 video failed for good: Fixture Members Channel"]
    body = next(m["message"] for m in notify_sink.messages("/all", since=members["notified_from"])
                if m.get("title") == failed[0])
    assert "Members-only video" in body and "members" in body
    assert wait_for(lambda: told("/channel"), 30, "the channel's own Apprise URL to be told")
