"""A channel's banner: which of yt-dlp's thumbnails is the banner and which the avatar, and banner.jpg served
and shown on the library's card and the channel page's head, with the old look when there is none."""
import re

import pytest
from django.test import Client

from archiver import tree
from archiver.ytdlp.listing import avatar_url, banner_url
from channels_app.models import Channel, Video

# What yt-dlp's YouTube tab extractor lists: the avatars, then the banners (each size), then the uncropped ones.
YOUTUBE = [
    {"url": "https://i/a88", "id": "0", "width": 88, "height": 88},
    {"url": "https://i/a900", "id": "1", "width": 900, "height": 900},
    {"url": "https://i/a-raw", "id": "avatar_uncropped", "preference": 1},
    {"url": "https://i/b1060", "id": "2", "width": 1060, "height": 175, "preference": -10},
    {"url": "https://i/b2560", "id": "3", "width": 2560, "height": 424, "preference": -10},
    {"url": "https://i/b-raw", "id": "banner_uncropped", "preference": -5},
]


def test_youtube_avatar_and_banner_are_the_uncropped_ones():
    assert avatar_url(YOUTUBE) == "https://i/a-raw" and banner_url(YOUTUBE) == "https://i/b-raw"


def test_without_uncropped_ones_the_banner_is_the_widest_and_the_avatar_not_a_banner():
    thumbs = [{"url": "https://i/av", "id": "avatar"}, {"url": "https://i/b1", "id": "banner", "width": 1060},
              {"url": "https://i/b2", "id": "banner", "width": 2560}, {"url": "https://i/b0", "id": "tvBanner"}]
    assert avatar_url(thumbs) == "https://i/av" and banner_url(thumbs) == "https://i/b2"
    shaped = [{"url": "https://i/sq", "width": 100, "height": 100},
              {"url": "https://i/wide", "width": 800, "height": 200}]
    assert banner_url(shaped) == "https://i/wide" and avatar_url(shaped) == "https://i/sq"
    videos = [{"url": "https://i/v1", "width": 480, "height": 270},
              {"url": "https://i/v2", "width": 1280, "height": 720}]
    assert banner_url(videos) == "" and avatar_url(videos) == "https://i/v2"  # a playlist's: as before


def test_no_banner_when_the_site_lists_none():
    assert banner_url([{"url": "https://i/av", "id": "avatar"}]) == ""
    assert banner_url([]) == "" and avatar_url([]) == ""
    assert banner_url([{"url": "https://i/sq", "width": 88, "height": 88}, {"id": "banner"}, "junk"]) == ""
    assert avatar_url([{"url": "https://i/only", "width": 88, "height": 88}]) == "https://i/only"


def _card_banner(home: str) -> str:
    return re.search(r'<div class="banner hue-\d">(.*?)</div>', home).group(1)


@pytest.fixture
def channel(settings, tmp_path, db):
    settings.ARCHIVE_ROOT = tmp_path
    channel = Channel.objects.create(id="ban-chan", url="https://example.org/c", source_url="x", extractor="x",
                                     raw_id="chan", title="Banner channel")
    Video.objects.create(channel=channel, video_id="a", raw_id="a", url="https://example.org/a", title="Alpha",
                         upload_date="20240105", status="archived")
    folder = tree.video_dir(tmp_path, channel.id, "a")
    folder.mkdir(parents=True)
    (folder / "thumbnail.jpg").write_bytes(b"\xff\xd8\xff")
    return channel


def test_without_a_banner_the_card_shows_the_newest_thumbnail_and_the_head_its_colour(reader, channel):
    home = reader.get("/").content.decode()
    assert "/channels/ban-chan/banner.jpg" not in home
    assert 'src="/media/ban-chan/a/thumbnail.jpg"' in _card_banner(home)
    page = reader.get("/channels/ban-chan/").content.decode()
    assert "head-banner" not in page and "has-banner" not in page and 'class="channel-head hue-' in page
    assert reader.get("/channels/ban-chan/banner.jpg").status_code == 404


def test_an_archived_banner_is_the_cards_and_the_heads(reader, channel, settings):
    tree.banner_path(settings.ARCHIVE_ROOT, channel.id).write_bytes(b"\xff\xd8\xffbanner")
    home = reader.get("/").content.decode()
    assert _card_banner(home).startswith('<img src="/channels/ban-chan/banner.jpg"')
    assert "thumbnail.jpg" not in _card_banner(home)
    page = reader.get("/channels/ban-chan/").content.decode()
    assert 'class="head-banner" src="/channels/ban-chan/banner.jpg"' in page and "has-banner" in page
    banner = reader.get("/channels/ban-chan/banner.jpg")
    assert banner.status_code == 200 and b"".join(banner.streaming_content).endswith(b"banner")
    assert Client().get("/channels/ban-chan/banner.jpg").status_code == 302  # to the login page
    assert reader.get("/channels/..%2Fetc/banner.jpg").status_code == 404
