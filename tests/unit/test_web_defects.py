"""The web app's defects of issue 24, each held by a test (Django's test client; the fixture site resolves
channel URLs with real yt-dlp): sync on add, forms that keep their input and report every field's error,
binary sizes and the video file's own size, "1 video", "added already", a confirmation before a new feed
address, the login page for a browser at /api/docs/."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from archiver import tree
from channels_app.models import Channel, SyncJob, Video
from front_app.templatetags.sizes import binary_size
from tests.unit.test_web_pages import login
from ytarchive_cli import output

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return login("editor", True)


@pytest.fixture
def channel():
    return Channel.objects.create(id="site-chan", url="https://example.org/c", source_url="x", extractor="x",
                                  raw_id="chan", title="A channel", feed_token="old-token")


@pytest.mark.parametrize("n", [0, 1, 1023, 1024, 1536, 40 * 1024, 10**6, 5 * 1024**3, 3 * 1024**5])
def test_sizes_read_the_same_in_the_web_app_and_the_cli(n):
    assert binary_size(n) == output.size(n)
    assert binary_size(40 * 1024) == "40.0 KiB"


def test_adding_a_channel_starts_its_first_sync_unless_added_paused(editor, fixture_site, redis_client):
    added = editor.post("/channels/add/", {"url": f"{fixture_site.base_url}/channel/chan-main"}, follow=True)
    assert "its first sync has started" in added.content.decode()
    assert SyncJob.objects.filter(channel_id="fixturesite-chan-main", trigger="web").count() == 1
    paused = editor.post("/channels/add/", {"url": f"{fixture_site.base_url}/@fixtureslow", "paused": "on"},
                         follow=True)
    assert "paused: press Sync" in paused.content.decode()
    slow = Channel.objects.get(pk="fixturesite-chan-slow")
    assert not slow.enabled and not SyncJob.objects.filter(channel=slow).exists()


def test_adding_again_says_added_already_and_keeps_the_form(editor, fixture_site, redis_client):
    url = f"{fixture_site.base_url}/channel/chan-main"
    editor.post("/channels/add/", {"url": url, "paused": "on"})
    again = editor.post("/channels/add/", {"url": url, "sync_interval_hours": "6", "paused": "on"})
    body = again.content.decode()
    assert again.status_code == 400
    assert "was added already" in body and "already archived" not in body
    assert f'value="{url}"' in body and 'value="6"' in body and 'name="paused" checked' in body
    bad = editor.post("/channels/add/", {"url": url + "x", "sync_interval_hours": "soon"})
    assert bad.status_code == 400 and 'value="soon"' in bad.content.decode()


def test_the_options_form_keeps_its_input_and_reports_every_error(editor, channel):
    response = editor.post(f"/channels/{channel.id}/do/options/", {
        "sleep_min": "9", "sleep_max": "3", "newest_n": "-4", "max_height": "720", "tabs": "videos"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "newest_n:" in body and "sleep_max: must be at least sleep_min." in body  # both, not one
    assert 'id="sleep_min" name="sleep_min" size="4" value="9.0"' in body and 'value="-4"' in body
    assert '<details class="card options" open>' in body  # the form is shown open, with what was typed
    assert '<option value="720" selected>' in body  # a valid choice stays chosen
    channel.refresh_from_db()
    assert channel.sleep_min is None and channel.newest_n is None  # nothing saved


def test_the_api_reports_the_sleep_order_with_other_errors_too(channel):
    user = User.objects.create_user("api-editor", is_staff=True)
    client = APIClient()
    client.force_authenticate(user)
    response = client.patch(f"/api/channels/{channel.id}/", {"sleep_min": 9, "sleep_max": 3, "newest_n": -4},
                            format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"newest_n", "sleep_max"}
    alone = client.patch(f"/api/channels/{channel.id}/", {"sleep_min": 9, "sleep_max": 3}, format="json")
    assert alone.status_code == 400 and set(alone.json()["errors"]) == {"sleep_max"}


def test_one_video_is_not_videos_and_the_video_page_shows_the_files_own_size(editor, channel, settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path
    folder = tree.video_dir(tmp_path, channel.id, "vid1")
    folder.mkdir(parents=True)
    (folder / "video.mp4").write_bytes(b"\0" * 40 * 1024)
    Video.objects.create(channel=channel, video_id="vid1", raw_id="vid1", url="https://example.org/v", title="T",
                         status="archived", video_file="video.mp4", size_bytes=900 * 1024)  # the folder's
    page = editor.get("/").content.decode()
    assert "1 video ·" in page and "1 videos" not in page and "900.0 KiB" in page
    video = editor.get(f"/channels/{channel.id}/videos/vid1/").content.decode()
    assert '<span id="file-size">40.0 KiB</span>' in video and "900" not in video


def test_a_new_feed_address_is_asked_for_first(editor, channel):
    asked = editor.post(f"/channels/{channel.id}/do/feed-token/")
    assert asked.status_code == 200 and "every podcast app subscribed to it stops" in asked.content.decode()
    channel.refresh_from_db()
    assert channel.feed_token == "old-token"
    done = editor.post(f"/channels/{channel.id}/do/feed-token/", {"confirm": "yes"}, follow=True)
    channel.refresh_from_db()
    assert channel.feed_token != "old-token" and "the old one no longer works" in done.content.decode()


def test_api_docs_send_a_browser_to_the_login_page_and_a_client_a_401():
    browser = Client().get("/api/docs/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser.status_code == 302 and browser.url == "/login/?next=/api/docs/"
    client = Client().get("/api/docs/", HTTP_ACCEPT="*/*")  # curl's, a script's
    assert client.status_code == 401 and client.json()["detail"]
    assert Client().get("/api/schema/").status_code == 401  # the schema itself: JSON for its clients
    user = User.objects.create_user("reader")
    signed_in = Client()
    signed_in.force_login(user)
    assert signed_in.get("/api/docs/", HTTP_ACCEPT="text/html").status_code == 200
