"""API permissions (owner, read-only user, anonymous) and bad input: 4xx with a message, never 500.

In-process Django with the real yt-dlp resolving URLs against the fixture site.
"""
import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from channels_app.models import Channel, SyncJob
from tokens_app.service import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    user = User.objects.create_user("owner", password="pw-owner-123", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    return client


@pytest.fixture
def reader():
    user = User.objects.create_user("reader", password="pw-reader-123")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    return client


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def channel(owner, fixture_site):
    """Added without its first sync (as before syncs on add: each test asks for the syncs it counts);
    tests/unit/test_sync_on_add.py covers the add that syncs."""
    response = owner.post("/api/channels/", {"url": f"{fixture_site.base_url}/channel/chan-main", "paused": True,
                                             "enabled": True}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_token_endpoint(anonymous):
    User.objects.create_user("u", password="right-password-1")
    wrong = anonymous.post("/api/auth/token/", {"username": "u", "password": "wrong"})
    assert wrong.status_code == 400
    assert "Unable to log in with provided credentials." in wrong.json()["detail"]
    response = anonymous.post("/api/auth/token/", {"username": "u", "password": "right-password-1"})
    assert response.status_code == 200 and len(response.json()["token"]) == 64
    assert response.json()["expiry"]  # YTARCHIVE_TOKEN_TTL_DAYS' default: 90 days


def test_personas(owner, reader, anonymous, channel):
    assert anonymous.get("/api/channels/").status_code == 401
    assert anonymous.post("/api/channels/", {"url": "https://example.org/"}).status_code == 401
    assert reader.get("/api/channels/").json()["count"] == 1
    assert reader.post(f"/api/channels/{channel['id']}/sync/").status_code == 403
    assert reader.delete(f"/api/channels/{channel['id']}/").status_code == 403
    assert anonymous.get("/health").status_code == 200


def test_add_resolves_forms_to_one_id_and_refuses_duplicates(owner, channel, fixture_site):
    assert channel["id"] == "fixturesite-chan-main"
    assert channel["title"] == "Fixture Main Channel"
    again = owner.post("/api/channels/", {"url": f"{fixture_site.base_url}/@fixturemain"}, format="json")
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert Channel.objects.count() == 1


@pytest.mark.parametrize(("body", "message"), [
    ({"url": "not a url"}, "Not a URL"),
    ({"url": ""}, "blank"),
    ({}, "required"),
    ({"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}, "single video"),
    ({"url": "http://127.0.0.1:1/channel/none"}, "yt-dlp cannot list"),
    ({"url": "https://example.org/", "sync_interval_hours": "soon"}, "number"),
    ({"url": "https://example.org/", "sync_interval_hours": -1}, "between"),
])
def test_bad_input_is_a_400_with_a_message(owner, body, message):
    response = owner.post("/api/channels/", body, format="json")
    assert response.status_code == 400, response.content
    assert message in response.content.decode()


def test_single_video_url_of_the_fixture_site_is_refused(owner, fixture_site):
    response = owner.post("/api/channels/", {"url": f"{fixture_site.base_url}/watch/vid-main-01"}, format="json")
    assert response.status_code == 400 and "single video" in response.json()["detail"]


@override_settings(YTARCHIVE={**__import__("django.conf").conf.settings.YTARCHIVE, "ALLOW_PRIVATE_URLS": False})
def test_private_addresses_refused_by_default(owner, fixture_site):
    response = owner.post("/api/channels/", {"url": f"{fixture_site.base_url}/channel/chan-main"}, format="json")
    assert response.status_code == 400 and "private address" in response.json()["detail"]


def test_second_sync_while_one_is_active_is_refused(owner, channel):
    first = owner.post(f"/api/channels/{channel['id']}/sync/")
    assert first.status_code == 202 and first.json()["status"] == "queued"
    second = owner.post(f"/api/channels/{channel['id']}/sync/?full=true")
    assert second.status_code == 409
    assert second.json()["sync_job"] == first.json()["id"]
    assert SyncJob.objects.filter(channel_id=channel["id"]).count() == 1


def test_schedule_follows_the_channel(owner, channel):
    task = PeriodicTask.objects.get(name=f"sync channel {channel['id']}")
    assert task.enabled and task.interval.every == 24 * 3600 and task.task == "channels_app.tasks.scheduled_sync"
    response = owner.patch(f"/api/channels/{channel['id']}/", {"sync_interval_hours": 6, "enabled": False},
                           format="json")
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.interval.every == 6 * 3600 and not task.enabled
    assert owner.patch(f"/api/channels/{channel['id']}/", {"url": "https://example.org/"},
                       format="json").status_code == 400
    assert owner.delete(f"/api/channels/{channel['id']}/").status_code == 204
    assert not PeriodicTask.objects.filter(name=f"sync channel {channel['id']}").exists()


def test_unknown_things_are_404_and_bad_filters_400(owner, reader):
    assert owner.get("/api/channels/nope/").status_code == 404
    missing = owner.get("/api/channels/nosuch/progress/")
    assert missing.status_code == 404 and "'nosuch'" in missing.json()["detail"]
    assert "ytarchive list" in missing.json()["detail"]
    assert owner.post("/api/videos/999/retry/").status_code == 404
    assert reader.get("/api/videos/?status=bogus").status_code == 400
    assert reader.get("/api/videos/?dead_letter=perhaps").status_code == 400
    assert reader.get("/api/videos/?status=failed&dead_letter=true").status_code == 200


def test_delete_keeps_files_unless_asked(owner, channel, settings, tmp_path, fixture_site):
    from archiver import tree

    settings.ARCHIVE_ROOT = tmp_path
    kept = tree.channel_metadata_path(tmp_path, channel["id"])
    tree.write_json_atomic(kept, {"id": channel["id"]})
    assert owner.delete(f"/api/channels/{channel['id']}/").status_code == 204
    assert kept.exists()
    again = owner.post("/api/channels/", {"url": f"{fixture_site.base_url}/channel/chan-main"}, format="json")
    assert again.status_code == 201
    assert owner.delete(f"/api/channels/{channel['id']}/?delete_files=true").status_code == 204
    assert not kept.parent.exists()


def test_admin_lists_and_searches_channels_videos_syncs_and_schedules(channel, client):
    from channels_app.models import Video

    admin = User.objects.create_superuser("boss", password="pw-boss-123456")
    Video.objects.create(channel_id=channel["id"], video_id="v1", raw_id="v1", url="x", title="A findable title",
                         status=Video.Status.FAILED, failure_kind=Video.FailureKind.TRANSIENT)
    client.force_login(admin)
    for path in ("/admin/channels_app/channel/?q=Fixture", "/admin/channels_app/syncjob/",
                 "/admin/channels_app/video/?q=findable", "/admin/channels_app/video/?dead_letter=yes",
                 "/admin/django_celery_beat/periodictask/", f"/admin/channels_app/channel/{channel['id']}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert b"A findable title" in client.get("/admin/channels_app/video/?dead_letter=yes").content
    # A channel's beat task derives from the channel: not offered for editing where it could drift.
    assert PeriodicTask.objects.filter(name=f"sync channel {channel['id']}").exists()
    assert f"sync channel {channel['id']}".encode() not in client.get("/admin/django_celery_beat/periodictask/").content


def test_admin_sync_now_says_what_it_queued_and_interval_edits_reach_beat(channel, client):
    admin = User.objects.create_superuser("boss", password="pw-boss-123456")
    client.force_login(admin)
    response = client.post("/admin/channels_app/channel/", {
        "action": "sync_now", "_selected_action": [channel["id"]]}, follow=True)
    assert "Sync queued for 1 channel(s)" in response.content.decode()
    assert SyncJob.objects.filter(channel_id=channel["id"], trigger="admin").count() == 1
    # Changing the interval on the channel's own admin page changes what beat runs.
    response = client.post("/admin/channels_app/channel/", {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": channel["id"],
        "form-0-enabled": "on", "form-0-sync_interval_hours": "6", "_save": "Save"}, follow=True)
    assert response.status_code == 200
    task = PeriodicTask.objects.get(name=f"sync channel {channel['id']}")
    assert (task.interval.every, task.enabled) == (6 * 3600, True)
    assert Channel.objects.get(pk=channel["id"]).sync_interval_hours == 6
    bad = client.post("/admin/channels_app/channel/", {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": channel["id"],
        "form-0-enabled": "on", "form-0-sync_interval_hours": "0.001", "_save": "Save"})
    assert b"greater than or equal to 0.02" in bad.content
    assert Channel.objects.get(pk=channel["id"]).sync_interval_hours == 6


def test_a_sync_whose_message_cannot_be_sent_is_still_accepted(owner, channel, monkeypatch):
    """Redis away at the moment of publishing: the job stays queued for the reconciler, no 500."""
    from celery import current_app
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(current_app, "send_task", refuse)
    response = owner.post(f"/api/channels/{channel['id']}/sync/")
    assert response.status_code == 202, response.content
    assert SyncJob.objects.get(pk=response.json()["id"]).status == "queued"


def test_field_errors_have_a_detail_and_an_encoded_slash_is_a_json_404(owner):
    response = owner.post("/api/channels/", {"url": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("url:") and "url" in response.json()["errors"]
    response = owner.get("/api/channels/..%2F..%2Fetc/")
    assert response.status_code == 404 and response.json()["detail"]
