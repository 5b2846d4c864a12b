"""The channel grid's live cards: the page carries a cursor, ``/channels/{id}/cards/?since=`` answers the cards
written since (as the page renders them) and whether a sync still lists; an empty grid during a sync says
it is listing, never "press Sync"."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from channels_app.models import Channel, SyncJob, Video
from front_app.pages import live_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel():
    return Channel.objects.create(id="c1", url="https://example.org/c", source_url="x", extractor="x", raw_id="c1",
                                  title="C")


def video(channel, vid: str, status: str = "queued", **fields) -> Video:
    return Video.objects.create(channel=channel, video_id=vid, raw_id=vid, url="https://example.org/v",
                                title=f"Title {vid}", status=status, upload_date="20240101", **fields)


def since_of(page: str) -> str:
    return re.search(r'data-since="(\d+)"', page).group(1)


def test_an_empty_grid_while_a_sync_lists_says_so(reader, channel, redis_client):
    job = SyncJob.objects.create(channel=channel, status="running")
    page = reader.get("/channels/c1/").content.decode()
    assert "Listing the channel's videos" in page and "press Sync" not in page
    job.status = "succeeded"
    job.save()
    assert "No videos yet: press Sync." in reader.get("/channels/c1/").content.decode()


def test_cards_written_after_the_cursor_come_with_the_next_cursor(reader, channel, redis_client):
    SyncJob.objects.create(channel=channel, status="running")
    page = reader.get("/channels/c1/").content.decode()
    since = since_of(page)
    old = video(channel, "old")
    Video.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(minutes=5))  # before the page
    video(channel, "v1")
    video(channel, "v2", status="archived")
    answer = reader.get(f"/channels/c1/cards/?since={since}")
    body = answer.content.decode()
    assert sorted(re.findall(r'data-video="([^"]+)"', body)) == ["v1", "v2"]
    assert answer["X-Grid-State"] == "listing" and int(answer["X-Since"]) >= int(since)
    assert 'data-sort="20240101|' in body and "Title v2" in body  # the page's own card markup
    only = reader.get(f"/channels/c1/cards/?since={since}&status=archived").content.decode()
    assert re.findall(r'data-video="([^"]+)"', only) == ["v2"]
    SyncJob.objects.filter(channel=channel).update(status="succeeded")
    assert reader.get(f"/channels/c1/cards/?since={answer['X-Since']}")["X-Grid-State"] == "active"  # v1 waits


def test_the_second_page_and_a_search_are_not_live(reader, channel, redis_client, monkeypatch):
    for n in range(3):
        video(channel, f"v{n}", status="archived")
    assert "data-live-grid" in reader.get("/channels/c1/").content.decode()
    assert "data-live-grid" not in reader.get("/channels/c1/?q=Title").content.decode()
    cursor = live_grid.cursor(timezone.now())
    assert live_grid.parse_cursor(cursor) <= timezone.now()


@pytest.mark.parametrize("since", ["", "yesterday", "-", "9" * 40])
def test_a_bad_cursor_is_a_400_with_a_message(reader, channel, since):
    answer = reader.get(f"/channels/c1/cards/?since={since}")
    assert answer.status_code == 400 and b"since" in answer.content


def test_cards_of_an_unknown_channel_are_a_404(reader):
    assert reader.get("/channels/nope/cards/?since=0").status_code == 404
