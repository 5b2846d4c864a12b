"""Text written by strangers, through a real sync and download of the fixture site's hostile feed.

Its titles and descriptions carry markup, ``]]>``, template syntax, bidi overrides, C1 terminal escapes
and a 3,000-character title; one guid (the video's id) is ``../../etc/passwd``. After the download the
API returns the listing's exact titles (not the media file's name; cut at the model's 1,000 characters),
video.info.json, video.nfo, the podcast feed and the OPML parse and carry them, the pages show them
escaped, the CLI prints them without the control characters, and nothing is written outside the archive.
"""
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

from tests.conftest import ADMIN
from tests.fixture_site.server import HOSTILE_CHANNEL_TITLE, HOSTILE_ITEMS
from tests.harness import Api, cli

TITLE_LIMIT = 1000  # channels_app.models.Video.title
LISTED = {guid: title[:TITLE_LIMIT] for guid, _, title, _ in HOSTILE_ITEMS}
TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def hostile(api: Api, fixture_site):
    channel = api.post("/api/channels/", expect=201, json={"url": f"{fixture_site.base_url}/feeds/hostile.xml"})
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    progress = api.wait_settled(channel["id"])
    assert progress["archived"] == len(HOSTILE_ITEMS), progress
    return api.get(f"/api/channels/{channel['id']}/"), api.videos(channel["id"])


def test_the_api_returns_the_listing_text_exactly(hostile):
    channel, videos = hostile
    assert channel["title"] == HOSTILE_CHANNEL_TITLE
    assert sorted(v["title"] for v in videos) == sorted(LISTED.values())  # never the file name (vid-main-01)
    for video in videos:
        assert "/" not in video["video_id"] and not video["video_id"].startswith(".")


def test_info_json_and_nfo_carry_the_listing_title(hostile, archive_root: Path):
    channel, videos = hostile
    for video in videos:
        folder = archive_root / channel["id"] / "videos" / video["video_id"]
        assert folder.resolve().is_relative_to(archive_root.resolve())
        info = json.loads((folder / "video.info.json").read_text(encoding="utf-8"))
        assert info["title"][:TITLE_LIMIT] == video["title"]
        nfo = ET.fromstring((folder / "video.nfo").read_bytes())
        assert nfo.findtext("title")[:TITLE_LIMIT] == video["title"]
        plot = nfo.findtext("plot")
        assert plot in {d for *_, d in HOSTILE_ITEMS}, plot


def test_nothing_is_written_outside_the_archive(hostile, archive_root: Path):
    run_dir = archive_root.parent
    strays = [p for p in run_dir.rglob("*passwd*") if not p.resolve().is_relative_to(archive_root.resolve())]
    assert strays == []
    assert not (archive_root.parent.parent / "etc" / "passwd").exists()


def test_feed_and_opml_parse_and_carry_the_text(hostile, api: Api):
    channel, _ = hostile
    feed = requests.get(channel["feed_url"], timeout=30)
    assert feed.status_code == 200
    rss = ET.fromstring(feed.content)
    assert rss.findtext("channel/title") == HOSTILE_CHANNEL_TITLE
    assert sorted(i.findtext("title") for i in rss.iter("item")) == sorted(LISTED.values())
    assert {i.findtext("description") for i in rss.iter("item")} == {d for *_, d in HOSTILE_ITEMS}
    opml = ET.fromstring(requests.get(f"{api.base_url}/api/feeds.opml", headers=api.session.headers,
                                      timeout=30).content)
    assert HOSTILE_CHANNEL_TITLE in {o.get("title") for o in opml.iter("outline")}


def test_pages_show_the_text_escaped(hostile, api: Api):
    channel, videos = hostile
    browser = requests.Session()
    login = browser.get(f"{api.base_url}/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    browser.post(f"{api.base_url}/login/", data={**ADMIN, "csrfmiddlewaretoken": token},
                 headers={"Referer": f"{api.base_url}/login/"}, timeout=30).raise_for_status()
    pages = [browser.get(f"{api.base_url}/channels/{channel['id']}/", timeout=30)]
    pages += [browser.get(f"{api.base_url}/channels/{channel['id']}/videos/{v['video_id']}/", timeout=30)
              for v in videos]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text and "<b>Hostile" not in page.text
        assert "{{" not in page.text.replace("{{ channel }}", "").replace("{{ x }}", "").replace("{{ request }}", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in "".join(p.text for p in pages)
    assert "{% csrf_token %}" in "".join(p.text for p in pages)  # shown, never run


def test_the_cli_prints_the_text_without_control_characters(hostile, logged_in):
    channel, _ = hostile
    out = cli(logged_in, "videos", channel["id"]).stdout
    assert "<script>alert(1)</script>" in out
    assert not TERMINAL.search(out.replace("\n", "").replace("\t", "")), repr(out)
    listed = json.loads(cli(logged_in, "videos", channel["id"], "--json").stdout)
    assert sorted(v["title"] for v in listed) == sorted(LISTED.values())  # JSON keeps the exact text
