"""The queue page names each channel with queued videos once, however many of its videos wait.

Its ``channel_ids`` (the channels whose downloads in flight the page polls) came from
``Video.objects....values_list("channel_id").distinct()``; the model's default ordering
(``-upload_date, -id``) joined the DISTINCT, so it returned one id per queued video:
51,000 ids for 1,000 channels in `make bench-scale`'s catalog, all written into the page.
"""
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from channels_app.models import Channel, Video

pytestmark = pytest.mark.django_db


def queue_page_with(queued: dict[str, int]) -> str:
    """The queue page, as a reader sees it, over channels with that many queued videos each."""
    for c, count in queued.items():
        channel = Channel.objects.create(id=c, url=f"https://example.org/{c}", source_url="x", extractor="x",
                                         raw_id=c, title=c)
        for n in range(count):
            Video.objects.create(channel=channel, video_id=f"{c}-v{n}", raw_id=f"v{n}", url="https://example.org/v",
                                 title="T", status="queued", upload_date=f"2026010{n + 1}")
    User.objects.create_user("reader", password="pw-reader-12345")
    client = Client()
    assert client.login(username="reader", password="pw-reader-12345")
    return client.get("/queue/").content.decode()


def test_each_channel_with_queued_videos_is_named_once():
    page = queue_page_with({"chan-a": 3, "chan-b": 3})
    in_flight = re.search(r'data-in-flight="([^"]*)"', page).group(1).split(",")
    assert sorted(in_flight) == ["chan-a", "chan-b"]


def test_a_thousand_waiting_channels_are_the_hundred_with_most_and_one_line_more(monkeypatch):
    from front_app.pages import queue as web

    monkeypatch.setattr(web, "SHOWN", 2)  # the page's cap, small here
    page = queue_page_with({"chan-a": 1, "chan-b": 3, "chan-c": 2, "chan-d": 4})
    assert "chan-d</a>: 4 queued" in page and "chan-b</a>: 3 queued" in page
    assert "chan-c</a>" not in page and "and 2 more channels: 3 queued" in page
    assert sorted(re.search(r'data-in-flight="([^"]*)"', page).group(1).split(",")) == ["chan-b", "chan-d"]
