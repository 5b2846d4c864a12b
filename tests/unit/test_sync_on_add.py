"""Sync on add through the API, and the rule that lets clients written before it keep asking for a sync right
after an add: a sync already queued or running answers 202 with that job, never a second sync nor a 409.

In-process Django (the API's real views and services, real yt-dlp resolving the fixture site); the worker side
is tests/integration/test_sync_on_add.py."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from channels_app import services
from channels_app.models import Channel, SyncJob
from tokens_app.service import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = User.objects.create_user("editor", password="pw-editor-123", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    return client


def add(client, url: str, **fields):
    response = client.post("/api/channels/", {"url": url, **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_add_starts_its_first_sync_and_says_so(editor, fixture_site):
    added = add(editor, f"{fixture_site.base_url}/channel/chan-main")
    assert added["enabled"] and added["sync"]["status"] == "queued" and added["sync"]["trigger"] == "api"
    assert "paused" not in added  # write-only
    assert list(SyncJob.objects.filter(channel_id=added["id"]).values_list("pk", flat=True)) == [added["sync"]["id"]]


def test_a_paused_add_starts_no_sync_and_pauses_the_schedule_unless_enabled_is_given(editor, fixture_site):
    paused = add(editor, f"{fixture_site.base_url}/channel/chan-main", paused=True)
    assert paused["sync"] is None and not paused["enabled"]
    scheduled = add(editor, f"{fixture_site.base_url}/@fixtureslow", paused=True, enabled=True)
    assert scheduled["sync"] is None and scheduled["enabled"]
    assert not SyncJob.objects.exists()
    assert editor.post("/api/channels/", {"url": f"{fixture_site.base_url}/@fixtureretry", "paused": "maybe"},
                       format="json").status_code == 400


def test_a_sync_asked_while_one_is_queued_or_running_answers_202_with_that_one(editor, fixture_site):
    added = add(editor, f"{fixture_site.base_url}/channel/chan-main")
    first = added["sync"]["id"]
    again = editor.post(f"/api/channels/{added['id']}/sync/")
    assert again.status_code == 202 and again.json()["id"] == first and again.json()["status"] == "queued"
    SyncJob.objects.filter(pk=first).update(status="running")
    running = editor.post(f"/api/channels/{added['id']}/sync/")
    assert running.status_code == 202 and running.json() == {**running.json(), "id": first, "status": "running"}
    assert SyncJob.objects.filter(channel_id=added["id"]).count() == 1
    # A full sync is not what an incremental one does: that stays refused, naming the job that runs.
    full = editor.post(f"/api/channels/{added['id']}/sync/?full=true")
    assert full.status_code == 409 and full.json()["sync_job"] == first
    SyncJob.objects.filter(pk=first).update(status="succeeded")
    fresh = editor.post(f"/api/channels/{added['id']}/sync/?full=true")
    assert fresh.status_code == 202 and fresh.json()["id"] != first and fresh.json()["full"]
    # ... and an incremental sync asked while that full one is queued follows it: a full sync does more.
    follows = editor.post(f"/api/channels/{added['id']}/sync/")
    assert follows.status_code == 202 and follows.json()["id"] == fresh.json()["id"]


def test_the_service_says_whether_it_started_the_sync(fixture_site):
    channel = Channel.objects.create(id="site-c1", url="https://example.org/c", source_url="x", extractor="x",
                                     raw_id="c1", title="C1")
    job, started = services.sync_or_running(channel)
    assert started and job.status == "queued"
    same, started = services.sync_or_running(channel, trigger="web")
    assert (same.pk, started) == (job.pk, False)
