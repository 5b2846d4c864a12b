"""Counts say archived, failed and waiting apart (a failure is never "done"), an attempt never reads as more
than the maximum, and a damaged video reads as damaged, in the API, the pages and the CLI."""
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from channels_app.models import Channel, Video
from tokens_app.service import issue
from ytarchive_cli import output

pytestmark = pytest.mark.django_db


def test_the_cli_counts_failures_apart_from_archived():
    words = output.counts_words({"total": 16, "archived": 13, "failed": 2, "retrying": 1, "queued": 0})
    assert words == "13 of 16 archived, 2 failed, 1 waiting (1 retrying)"
    live = output.counts_words({"total": 9, "archived": 2, "downloading": 3, "interrupted": 2, "queued": 2,
                                "damaged": 1})
    assert live == "2 of 9 archived, 7 waiting (3 downloading, 2 interrupted, 2 queued), 1 damaged"


def test_an_attempt_past_a_lowered_maximum_says_so():
    assert output.attempt_words(1, 4) == "attempt 2 of 4"
    assert output.attempt_words(2, 2) == "attempt 3, its last (retries were lowered: at most 2 now)"
    assert "of 2" not in output.video_note({"status": "retrying", "attempts": 2, "max_attempts": 2,
                                            "next_attempt_at": None, "last_error": "x"})


@pytest.fixture
def catalog():
    channel = Channel.objects.create(id="c1", url="https://example.org/c", source_url="x", extractor="x",
                                     raw_id="c1", title="C")
    make = {"channel": channel, "url": "https://example.org/v"}
    Video.objects.create(**make, video_id="ok", raw_id="ok", status="archived", fixity_status="ok")
    Video.objects.create(**make, video_id="bad", raw_id="bad", status="archived", fixity_status="damaged")
    Video.objects.create(**make, video_id="f", raw_id="f", status="failed", failure_kind="permanent", attempts=1)
    Video.objects.create(**make, video_id="q", raw_id="q", status="queued")
    Video.objects.create(**make, video_id="r", raw_id="r", status="retrying", failure_kind="transient", attempts=3,
                         last_error="HTTP Error 503", next_attempt_at=timezone.now())
    return channel


def test_the_api_says_damaged_and_counts_each_apart(catalog, settings, redis_client):
    user = User.objects.create_user("reader", password="pw-reader-123")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    videos = {v["video_id"]: v for v in client.get("/api/videos/?channel=c1").json()["results"]}
    assert (videos["bad"]["status"], videos["bad"]["shown_status"]) == ("archived", "damaged")
    assert videos["ok"]["shown_status"] == "archived" and output.shown_status(videos["bad"]) == "damaged"
    channel = client.get("/api/channels/c1/").json()
    assert (channel["archived_count"], channel["failed_count"], channel["waiting_count"]) == (2, 1, 2)
    progress = client.get("/api/channels/c1/progress/").json()
    assert (progress["archived"], progress["failed"], progress["damaged"], progress["interrupted"]) == (2, 1, 1, 0)


def test_the_page_never_shows_an_attempt_past_the_maximum(catalog, settings, redis_client):
    settings.YTARCHIVE = {**settings.YTARCHIVE, "DOWNLOAD_RETRIES": 1}  # lowered: 2 attempts, "r" made 3
    User.objects.create_user("reader", password="pw-reader-123")
    client = Client()
    assert client.login(username="reader", password="pw-reader-123")
    page = client.get("/channels/c1/?status=retrying").content.decode()
    assert "attempt 4, its last (retries were lowered: at most 2 now)" in page and "of 2" not in page
