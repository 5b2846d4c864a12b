"""Every web page and API list/detail endpoint costs O(page), not O(catalog) (issue 21, item 6).

Each page is fetched over a small catalog and over one ten times bigger; the number of SQL queries
must be the same (no N+1), and the pages that used to read files (a feed, a video page) must take
what they show from the database.
"""
from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from archiver import tree
from channels_app.models import Channel, Video
from front_app import feeds

pytestmark = pytest.mark.django_db

STATUSES = ("archived", "queued", "retrying", "failed", "new")


def _catalog(channels: int, videos: int, prefix: str) -> list[Channel]:
    """``channels`` channels of ``videos`` videos each, in every status, with feed tokens."""
    made = Channel.objects.bulk_create([
        Channel(id=f"{prefix}-{c}", url=f"https://example.org/{prefix}/{c}", source_url="x", extractor="x",
                raw_id=f"{c}", title=f"Channel {prefix} {c}", feed_token=f"tok-{prefix}-{c}")
        for c in range(channels)])
    Video.objects.bulk_create([
        Video(channel=ch, video_id=f"v{n:05d}", raw_id=f"v{n}", url=f"https://example.org/v{n}",
              title=f"Video {n} of {ch.id}", upload_date=f"2024{1 + n % 12:02d}{1 + n % 28:02d}",
              status=STATUSES[n % len(STATUSES)], failure_kind="transient" if n % 5 == 3 else "",
              video_file="video.mp4" if n % 5 == 0 else "", size_bytes=1000 + n,
              description=f"Stored description {n}")
        for ch in made for n in range(videos)])
    return made


@pytest.fixture
def staff():
    user = User.objects.create_user("owner", password="pw", is_staff=True)
    web, api = Client(), APIClient()
    web.force_login(user)
    api.force_authenticate(user)
    return web, api


def _queries(client, url: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    return len(ctx.captured_queries)


def _pages(small: Channel, big: Channel) -> dict[str, tuple[str, str]]:
    """page name -> (url over the small catalog, url over the big one)."""
    def both(make):
        return make(small), make(big)

    return {
        "home": ("/", "/"),
        "channel_p1": both(lambda c: f"/channels/{c.id}/"),
        "channel_deep": both(lambda c: f"/channels/{c.id}/?page=2"),
        "title_search": both(lambda c: f"/channels/{c.id}/?q=Video+1"),
        "video": both(lambda c: f"/channels/{c.id}/videos/v00000/"),
        "queue": ("/queue/", "/queue/"),
        "feed": both(lambda c: f"/feeds/{c.id}.xml?token={c.feed_token}"),
        "opml": ("/api/feeds.opml", "/api/feeds.opml"),
    }


def test_every_page_runs_as_many_queries_for_3_channels_as_for_30(staff):
    web, api = staff
    small = _catalog(3, 60, "s")
    small_counts = {name: _queries(web, urls[0]) for name, urls in _pages(small[0], small[0]).items()}
    small_counts.update({name: _queries(api, url) for name, url in _api_urls(small[0]).items()})
    big = _catalog(27, 600, "b")  # 30 channels now, and ten times the videos in the one measured
    big_counts = {name: _queries(web, urls[1]) for name, urls in _pages(small[0], big[0]).items()}
    big_counts.update({name: _queries(api, url) for name, url in _api_urls(big[0]).items()})
    assert big_counts == small_counts


def _api_urls(channel: Channel) -> dict[str, str]:
    first = Video.objects.filter(channel=channel).order_by("pk").first()
    return {
        "api_channels": "/api/channels/",
        "api_channel": f"/api/channels/{channel.id}/",
        "api_progress": f"/api/channels/{channel.id}/progress/",
        "api_videos": "/api/videos/",
        "api_videos_of_channel": f"/api/videos/?channel={channel.id}",
        "api_videos_deep": f"/api/videos/?channel={channel.id}&page=2",
        "api_video": f"/api/videos/{first.pk}/",
    }


def test_the_home_page_is_a_constant_number_of_queries(staff):
    web, _ = staff
    _catalog(3, 5, "h")
    few = _queries(web, "/")
    _catalog(30, 5, "k")
    # session, user, role, channels and their count, status counts, newest archived, newest day, the recent
    # shelf, continue watching, channel visits: the same for 3 channels and for 33
    assert _queries(web, "/") == few <= 11


def test_the_feed_and_video_page_take_descriptions_from_the_row_never_from_info_json(staff, tmp_path):
    web, _ = staff
    channel = _catalog(1, 5, "f")[0]
    video = Video.objects.get(channel=channel, video_id="v00000")
    Video.objects.filter(pk=video.pk).update(description="")
    folder = tree.video_dir(settings.ARCHIVE_ROOT, channel.id, video.video_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / tree.INFO_FILE).write_text(json.dumps({"description": "Only in the file"}))
    body = web.get(f"/feeds/{channel.id}.xml?token={channel.feed_token}").content.decode()
    assert "Only in the file" not in body and video.title in body
    Video.objects.filter(pk=video.pk).update(description="In the row")
    assert "In the row" in web.get(f"/feeds/{channel.id}.xml?token={channel.feed_token}").content.decode()
    assert "In the row" in web.get(f"/channels/{channel.id}/videos/{video.video_id}/").content.decode()


def test_opml_gives_every_channel_a_feed_token_in_one_statement(staff):
    _, api = staff
    Channel.objects.bulk_create([Channel(id=f"o-{n}", url=f"https://example.org/o{n}", source_url="x",
                                         extractor="x", raw_id=str(n), title=f"O {n}") for n in range(3)])
    few = _queries(api, "/api/feeds.opml")
    Channel.objects.bulk_create([Channel(id=f"p-{n}", url=f"https://example.org/p{n}", source_url="x",
                                         extractor="x", raw_id=str(n), title=f"P {n}") for n in range(20)])
    assert _queries(api, "/api/feeds.opml") == few
    assert not Channel.objects.filter(feed_token="").exists()
    assert feeds.token_of(Channel.objects.get(pk="p-3"))


def test_the_home_page_shows_a_page_of_channels_at_a_time(staff):
    web, _ = staff
    _catalog(55, 1, "z")
    # The channels' cards (the shelf of recent videos above them names channels too).
    first, second = (web.get(path).content.decode().split('id="channels-title"')[1] for path in ("/", "/?page=2"))
    assert "Channel z 0<" in first and "Page 1 of 2" in first and 'href="?page=2"' in first
    shown = [f"Channel z {n}<" for n in range(55)]
    assert sum(t in first for t in shown) == 50 and sum(t in second for t in shown) == 5


def test_metrics_database_series_read_the_kept_counts_not_the_catalog():
    """/metrics at a million videos: the per-status gauge and the dead letters come from StatusCount, and the
    fixity failures off a partial index of the damaged few, never a COUNT over every video."""
    from downloads_app.metrics import _database_series

    _catalog(3, 40, "m")
    Video.objects.filter(video_id="v00000", channel_id="m-0").update(fixity_status="damaged")
    with CaptureQueriesContext(connection) as ctx:
        families = {f.name: f for f in _database_series({})}
    by_status = {s.labels["status"]: s.value for s in families["ytarchive_videos"].samples}
    for status in STATUSES:
        assert by_status[status] == Video.objects.filter(status=status).count(), status
    assert families["ytarchive_dead_letters"].samples[0].value == Video.objects.filter(
        status="failed", failure_kind="transient").count() > 0
    assert families["ytarchive_fixity_failures"].samples[0].value == 1
    on_videos = [q["sql"] for q in ctx.captured_queries if 'FROM "channels_app_video"' in q["sql"]]
    assert len(on_videos) == 1 and "damaged" in on_videos[0], on_videos  # only the partial index's count
