"""Every failed or retrying video shows its reason and hint (API, web pages, CLI, notifications), derived from the
row at read time: rows written before reasons existed get them too, and yt-dlp's own words stay one click away."""
import html
from datetime import UTC, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from channels_app import notify
from channels_app.models import Channel, Video
from tokens_app.service import issue
from ytarchive_cli import output

pytestmark = pytest.mark.django_db

BOT = ("[youtube] x: Sign in to confirm you\u2019re not a bot. Use --cookies-from-browser or --cookies for the "
       "authentication.")
GEO = "[youtube] y: The uploader has not made this video available in your country"


@pytest.fixture
def rows():
    channel = Channel.objects.create(id="site-chan", url="https://example.org/c", source_url="x", extractor="x",
                                     raw_id="chan", title="A channel")
    until = timezone.now() + timedelta(minutes=30)
    make = {"channel": channel, "url": "https://example.org/v"}
    return {
        "bot": Video.objects.create(**make, video_id="bot", raw_id="bot", title="Bot", status="retrying",
                                    failure_kind="blocked", last_error=BOT, next_attempt_at=until),
        "geo": Video.objects.create(**make, video_id="geo", raw_id="geo", title="Geo", status="failed",
                                    failure_kind="permanent", last_error=GEO, attempts=1),
        "dead": Video.objects.create(**make, video_id="dead", raw_id="dead", title="Dead", status="failed",
                                     failure_kind="transient", attempts=4,
                                     last_error="HTTP Error 503: Service Unavailable"),
        "fine": Video.objects.create(**make, video_id="fine", raw_id="fine", title="Fine", status="archived"),
        "until": until,
    }


def test_the_api_gives_reason_and_hint_and_keeps_the_raw_text(rows):
    user = User.objects.create_user("reader", password="pw-reader-123")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    videos = {v["video_id"]: v for v in client.get("/api/videos/?channel=site-chan").json()["results"]}
    assert videos["bot"]["reason"] == "bot_check"
    assert f"paused until {rows['until'].astimezone(UTC):%Y-%m-%d %H:%M} UTC" in videos["bot"]["hint"]
    assert "cookies" in videos["bot"]["hint"] and videos["bot"]["last_error"] == BOT
    assert videos["geo"]["reason"] == "geo_blocked" and "egress identity" in videos["geo"]["hint"]
    assert videos["dead"]["reason"] == "network" and "retries are used up" in videos["dead"]["hint"]
    assert videos["fine"]["reason"] is None and videos["fine"]["hint"] is None
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    fields = schemas["Video"]["properties"]
    assert fields["reason"]["nullable"] is True and fields["hint"]["nullable"] is True
    assert {"$ref": "#/components/schemas/FailureReasonEnum"} in fields["reason"]["oneOf"]
    assert {"bot_check", "members_only", "geo_blocked", "extractor_broken"} <= set(schemas["FailureReasonEnum"]["enum"])


def test_pages_show_the_hint_with_the_raw_text_behind_a_click(rows, redis_client):
    User.objects.create_user("owner", password="pw-owner-12345", is_staff=True)
    client = Client()
    assert client.login(username="owner", password="pw-owner-12345")
    for path, shown in (("/channels/site-chan/", ("bot", "geo", "dead")), ("/channels/site-chan/videos/geo/",
                                                                           ("geo",)), ("/queue/", ("bot", "dead"))):
        page = html.unescape(client.get(path).content.decode())
        for name in shown:
            video = rows[name]
            hint = video.failure.hint
            assert f'data-reason="{video.failure.reason}"' in page, (path, name)
            assert hint in page, (path, name)
            # yt-dlp's words sit in a closed <details>, after the hint
            assert f"({video.failure.reason})</summary><pre>{video.last_error}</pre></details>" in page, (path, name)


def test_the_cli_and_notifications_say_the_hint(rows):
    note = output.video_note({"status": "failed", "failure_kind": "permanent", "reason": "geo_blocked",
                              "hint": rows["geo"].failure.hint, "last_error": GEO})
    assert note.startswith("permanent: The uploader does not offer") and note.endswith("[geo_blocked]")
    body = notify._list([rows["geo"], rows["dead"]], reasons=True)
    assert f"- Geo: {rows['geo'].failure.hint} [geo_blocked]" in body.splitlines()
    assert "[network]" in body and GEO not in body
