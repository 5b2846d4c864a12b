"""Podcast feeds as podcast apps read them (issue 26): Apple's tags through gPodder's podcastparser and
feedparser, one file name per episode, conditional GET of the feed, RFC 9110 validators and If-Range on
its files, the square artwork made by ffmpeg, and the podcast settings checked at start-up.

tests/integration/test_podcast_apps.py has real apps (podget, podboat) download a real archive's feed.
"""
from __future__ import annotations

import io
import os
import subprocess
import xml.etree.ElementTree as ET

import feedparser
import podcastparser
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from archiver import podcast_art, podcast_tags, tree
from channels_app.models import Channel, Video
from config import podcast_env
from front_app import feeds
from tokens_app.service import issue

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
VIDEO_BYTES = bytes(range(256)) * 40  # 10240 bytes, every offset distinct enough for a range


def _image(path, width, height):
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={width}x{height}", "-frames:v", "1", str(path)], check=True, timeout=60)


@pytest.fixture
def channel(db, settings, tmp_path):
    settings.ARCHIVE_ROOT = str(tmp_path)
    settings.YTARCHIVE = {**settings.YTARCHIVE, "MEDIA_ACCEL_REDIRECT": "", "PODCAST": {
        "LANGUAGE": "en", "CATEGORY": ("TV & Film", ""), "EXPLICIT": False, "OWNER_NAME": "", "OWNER_EMAIL": ""}}
    made = Channel.objects.create(id="site-pod", url="https://example.org/pod", title="Pod Channel",
                                  description="About pods.", uploader="Pod Person")
    for number, (name, kind) in enumerate([("video.mp4", "v"), ("video.m4a", "a")]):
        video_id = f"ep-{number}"
        folder = tree.video_dir(tmp_path, made.id, video_id)
        folder.mkdir(parents=True)
        (folder / name).write_bytes(VIDEO_BYTES + kind.encode())
        (folder / tree.THUMBNAIL_FILE).write_bytes(b"\xff\xd8jpeg")
        Video.objects.create(channel=made, video_id=video_id, raw_id=video_id, url=f"https://example.org/{video_id}",
                             title=f"Episode {number}", description=f"Episode {number} is about pods.",
                             status="archived", video_file=name, duration=61.5, upload_date=f"2024010{number + 1}")
    _image(tree.poster_path(tmp_path, made.id), 88, 88)
    made.feed_url = f"/feeds/{made.id}.xml?token={feeds.token_of(made)}"
    return made


def test_the_feed_has_every_tag_apple_requires_and_podcast_parsers_read_them(channel, tmp_path):
    answer = Client().get(channel.feed_url)
    assert answer.status_code == 200, answer.content[:300]
    rss = ET.fromstring(answer.content).find("channel")
    assert rss.findtext("language") == "en"
    assert rss.find(f"{ITUNES}category").get("text") == "TV & Film"
    assert rss.findtext(f"{ITUNES}explicit") == "false" and rss.findtext(f"{ITUNES}type") == "episodic"
    assert rss.findtext(f"{ITUNES}owner/{ITUNES}name") == "Pod Person"
    assert rss.find(f"{ITUNES}owner/{ITUNES}email") is None  # none configured: the name alone
    art = rss.find(f"{ITUNES}image").get("href")
    assert art.endswith(f"/feeds/{channel.id}/{channel.feed_token}/artwork.jpg")
    items = rss.findall("item")
    assert [i.find("guid").get("isPermaLink") for i in items] == ["false", "false"]
    by_guid = {i.findtext("guid"): i for i in items}
    audio = by_guid[f"{channel.id}/ep-1"]
    assert audio.find("enclosure").get("type") == "audio/mp4"  # an audio file is an audio episode
    assert audio.find("enclosure").get("url").endswith("/ep-1/ep-1.m4a")
    assert int(audio.find("enclosure").get("length")) == len(VIDEO_BYTES) + 1
    assert audio.findtext(f"{ITUNES}duration") == "61"  # seconds, as Apple allows
    assert audio.find(f"{ITUNES}image").get("href").endswith("/ep-1/thumbnail.jpg")

    parsed = podcastparser.parse(channel.feed_url, io.BytesIO(answer.content))  # gPodder's parser
    assert parsed["title"] == "Pod Channel" and parsed["cover_url"] == art and parsed["type"] == "episodic"
    assert parsed["explicit"] is False
    assert {e["guid"] for e in parsed["episodes"]} == {f"{channel.id}/ep-0", f"{channel.id}/ep-1"}
    for episode in parsed["episodes"]:
        (enclosure,) = episode["enclosures"]
        assert enclosure["file_size"] == len(VIDEO_BYTES) + 1 and episode["total_time"] == 61
        assert enclosure["url"].rsplit("/", 1)[-1] == episode["guid"].split("/")[-1] + (
            ".mp4" if enclosure["mime_type"] == "video/mp4" else ".m4a")
        assert episode["episode_art_url"].endswith("/thumbnail.jpg")
    common = feedparser.parse(answer.content)
    assert not common.bozo, common.bozo_exception
    # feedparser maps only the old "yes" to True; "false" (Apple's word now) is present, read as not-yes
    assert common.feed.language == "en" and "itunes_explicit" in common.feed and not common.feed.itunes_explicit
    assert common.feed.tags[0].term == "TV & Film" and common.feed.image.href == art
    assert common.feed.publisher_detail.name == "Pod Person"
    assert sorted(e.enclosures[0].type for e in common.entries) == ["audio/mp4", "video/mp4"]


def test_owner_category_language_and_explicit_come_from_the_settings(channel, settings):
    settings.YTARCHIVE = {**settings.YTARCHIVE, "PODCAST": {
        "LANGUAGE": "pt-br", "CATEGORY": ("Leisure", "Video Games"), "EXPLICIT": True,
        "OWNER_NAME": "Archivist", "OWNER_EMAIL": "archivist@example.org"}}
    rss = ET.fromstring(Client().get(channel.feed_url).content).find("channel")
    assert rss.findtext("language") == "pt-br" and rss.findtext(f"{ITUNES}explicit") == "true"
    category = rss.find(f"{ITUNES}category")
    assert category.get("text") == "Leisure" and category.find(f"{ITUNES}category").get("text") == "Video Games"
    assert rss.findtext(f"{ITUNES}owner/{ITUNES}name") == "Archivist"
    assert rss.findtext(f"{ITUNES}owner/{ITUNES}email") == "archivist@example.org"


def test_settings_refuse_what_apple_does_not_accept(monkeypatch):
    monkeypatch.setenv("YTARCHIVE_PODCAST_CATEGORY", "Leisure/Video Games")
    monkeypatch.setenv("YTARCHIVE_PODCAST_LANGUAGE", "de-AT")
    assert podcast_env.podcast()["CATEGORY"] == ("Leisure", "Video Games")
    assert podcast_env.podcast()["LANGUAGE"] == "de-at"
    for name, bad in [("YTARCHIVE_PODCAST_CATEGORY", "Videos"), ("YTARCHIVE_PODCAST_CATEGORY", "Leisure/Golf"),
                      ("YTARCHIVE_PODCAST_LANGUAGE", "english please"), ("YTARCHIVE_PODCAST_OWNER_EMAIL", "me")]:
        with monkeypatch.context() as patch:
            patch.setenv(name, bad)
            with pytest.raises(ImproperlyConfigured, match=name):
                podcast_env.podcast()
    monkeypatch.delenv("YTARCHIVE_PODCAST_CATEGORY")
    monkeypatch.delenv("YTARCHIVE_PODCAST_LANGUAGE")
    assert podcast_env.podcast()["CATEGORY"] == ("TV & Film", "") and podcast_env.podcast()["LANGUAGE"] == "en"
    assert podcast_env.podcast()["EXPLICIT"] is False and podcast_env.podcast()["OWNER_EMAIL"] == ""
    assert podcast_tags.category(" TV & Film ") == ("TV & Film", "")


def test_an_unchanged_feed_is_a_304_and_a_changed_one_is_sent_again(channel):
    web = Client()
    first = web.get(channel.feed_url)
    tag, modified = first["ETag"], first["Last-Modified"]
    assert tag.startswith('"') and not tag.startswith('"W/') and modified.endswith("GMT")
    again = web.get(channel.feed_url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    assert web.get(channel.feed_url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert web.get(channel.feed_url, HTTP_IF_NONE_MATCH='"other"', HTTP_IF_MODIFIED_SINCE=modified).status_code == 200
    Video.objects.filter(channel=channel, video_id="ep-0").update(title="A new title")
    changed = web.get(channel.feed_url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag and b"A new title" in changed.content


def _file_url(channel, video_id, name):
    return f"/feeds/{channel.id}/{channel.feed_token}/{video_id}/{name}"


def test_enclosures_are_named_by_their_id_and_the_old_names_still_answer(channel, tmp_path):
    web = Client()
    new = web.get(_file_url(channel, "ep-0", "ep-0.mp4"))
    assert new.status_code == 200 and new["Content-Disposition"] == 'inline; filename="ep-0.mp4"'
    assert b"".join(new.streaming_content) == VIDEO_BYTES + b"v"
    old = web.get(_file_url(channel, "ep-0", "video.mp4"))
    assert old.status_code == 200 and b"".join(old.streaming_content) == VIDEO_BYTES + b"v"
    assert old["ETag"] == new["ETag"]  # the same file
    audio = web.get(_file_url(channel, "ep-1", "ep-1.m4a"))
    assert audio["Content-Type"] == "audio/mp4" and audio["Content-Disposition"] == 'inline; filename="ep-1.m4a"'
    assert web.get(_file_url(channel, "ep-0", "ep-1.mp4")).status_code == 404  # another video's name
    assert web.get(_file_url(channel, "ep-0", "ep-0.m4a")).status_code == 404  # not its file
    assert web.get(_file_url(channel, "ep-0", "ep-0.mp4").replace(channel.feed_token, "x")).status_code == 404


def test_if_range_resumes_only_the_same_file_and_a_416_is_empty(channel, tmp_path):
    web = Client()
    url = _file_url(channel, "ep-0", "ep-0.mp4")
    first = web.get(url)
    tag, modified = first["ETag"], first["Last-Modified"]
    part = web.get(url, HTTP_RANGE="bytes=100-199", HTTP_IF_RANGE=tag)
    assert part.status_code == 206 and b"".join(part.streaming_content) == VIDEO_BYTES[100:200]
    assert web.get(url, HTTP_RANGE="bytes=100-199", HTTP_IF_RANGE=modified).status_code == 206
    path = tree.video_dir(tmp_path, channel.id, "ep-0") / "video.mp4"
    tree.write_bytes_atomic(path, b"re-downloaded" + VIDEO_BYTES)  # a new file under the same name
    whole = web.get(url, HTTP_RANGE="bytes=100-199", HTTP_IF_RANGE=tag)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == b"re-downloaded" + VIDEO_BYTES
    assert whole["ETag"] != tag
    assert web.get(url, HTTP_IF_NONE_MATCH=whole["ETag"]).status_code == 304
    _assert_empty_416(web, url, path.stat().st_size)


def _assert_empty_416(web, url, size):
    beyond = web.get(url, HTTP_RANGE="bytes=999999-")
    assert beyond.status_code == 416 and beyond.content == b"" and "Content-Type" not in beyond
    assert beyond["Content-Range"] == f"bytes */{size}"


def test_web_media_is_saved_under_the_video_id(channel):
    web = Client()
    web.force_login(User.objects.create_user("viewer", password="pw-viewer-123"))
    answer = web.get(f"/media/{channel.id}/ep-0/video.mp4")
    assert answer.status_code == 200 and answer["Content-Disposition"] == 'inline; filename="ep-0.mp4"'
    assert web.get(f"/media/{channel.id}/ep-0/thumbnail.jpg")["Content-Disposition"] == 'inline; filename="ep-0.jpg"'
    _assert_empty_416(web, f"/media/{channel.id}/ep-0/video.mp4", len(VIDEO_BYTES) + 1)


def test_the_opml_names_the_feed_last_so_podget_imports_it(channel):
    user = User.objects.create_user("reader", password="pw-reader-123")
    text = Client(HTTP_AUTHORIZATION=f"Token {issue(user).key}").get("/api/feeds.opml").content.decode()
    outline = next(line for line in text.splitlines() if "<outline" in line)
    assert outline.index("htmlUrl=") < outline.index("xmlUrl=")


@pytest.mark.parametrize(("width", "height", "side"), [(88, 88, 1400), (1000, 600, 1400), (2000, 2400, 2000),
                                                       (4000, 3600, 3000)])
def test_artwork_is_square_and_1400_to_3000_pixels(tmp_path, width, height, side):
    assert podcast_art.side(width, height) == side
    _image(tree.poster_path(tmp_path, "site-art"), width, height)
    art = podcast_art.artwork(tmp_path, "site-art")
    assert art == tree.podcast_art_path(tmp_path, "site-art") and art.is_relative_to(tree.app_dir(tmp_path))
    assert podcast_art.dimensions(art) == (side, side)


def test_artwork_is_made_again_when_the_poster_changes(tmp_path):
    poster = tree.poster_path(tmp_path, "site-art")
    _image(poster, 88, 88)
    art = podcast_art.artwork(tmp_path, "site-art")
    made = art.stat().st_mtime_ns
    assert podcast_art.artwork(tmp_path, "site-art").stat().st_mtime_ns == made  # cached
    _image(poster, 1600, 1600)
    os.utime(poster, ns=(made + 10**9, made + 10**9))
    assert podcast_art.dimensions(podcast_art.artwork(tmp_path, "site-art")) == (1600, 1600)
    poster.write_bytes(b"not an image")
    os.utime(poster, ns=(made + 2 * 10**9, made + 2 * 10**9))
    assert podcast_art.artwork(tmp_path, "site-art") is None


def test_the_feed_artwork_is_served_square_at_a_stable_address(channel):
    web = Client()
    url = f"/feeds/{channel.id}/{channel.feed_token}/artwork.jpg"
    answer = web.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert b"".join(answer.streaming_content)[:2] == b"\xff\xd8"
    assert web.get(url, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304
    assert web.get(url.replace(channel.feed_token, "x")).status_code == 404


def test_without_a_poster_the_artwork_is_the_newest_videos_thumbnail_squared(channel, tmp_path):
    tree.poster_path(tmp_path, channel.id).unlink()
    newest = tree.thumbnail_file(tree.video_dir(tmp_path, channel.id, "ep-1"))  # 20240102, the newer one
    _image(newest, 320, 180)
    rss = ET.fromstring(Client().get(channel.feed_url).content).find("channel")
    answer = Client().get(rss.find(f"{ITUNES}image").get("href").split("testserver", 1)[-1])
    assert answer.status_code == 200
    assert podcast_art.dimensions(tree.podcast_art_path(tmp_path, channel.id)) == (1400, 1400)
    newest.unlink()
    tree.thumbnail_file(tree.video_dir(tmp_path, channel.id, "ep-0")).unlink()
    rss = ET.fromstring(Client().get(channel.feed_url).content).find("channel")
    assert rss.find(f"{ITUNES}image") is None  # nothing to make it from: no image rather than a broken one


def test_behind_nginx_a_range_outside_the_file_is_answered_empty_here(channel, settings):
    settings.YTARCHIVE = {**settings.YTARCHIVE, "MEDIA_ACCEL_REDIRECT": "/_archive/"}
    web = Client()
    url = _file_url(channel, "ep-0", "ep-0.mp4")
    sent = web.get(url, HTTP_RANGE="bytes=0-9")
    assert sent["X-Accel-Redirect"] == f"/_archive/{channel.id}/videos/ep-0/video.mp4"
    assert sent["Content-Disposition"] == 'inline; filename="ep-0.mp4"'  # nginx keeps it
    _assert_empty_416(web, url, len(VIDEO_BYTES) + 1)


def test_a_removed_video_moves_the_feeds_last_modified(channel, tmp_path):
    from channels_app import archive_events

    os.utime(tree.poster_path(tmp_path, channel.id), (1704067200, 1704067200))  # 2024-01-01, as every row
    Channel.objects.filter(pk=channel.id).update(updated_at="2024-01-01T00:00:00Z")
    Video.objects.filter(channel=channel).update(updated_at="2024-01-01T00:00:00Z")
    first = Client().get(channel.feed_url)
    Video.objects.filter(channel=channel, video_id="ep-1").delete()
    archive_events.video_removed.send(sender=None, channel_id=channel.id, video_id="ep-1")
    again = Client().get(channel.feed_url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and b"ep-1" not in again.content
