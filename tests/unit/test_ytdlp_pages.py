"""The queue page's yt-dlp card and buttons (Django's test client); the settings of updates."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from archiver.ytdlp import versions as ytdlp_versions
from tests.harness import REPO
from tests.unit.test_web_pages import login
from tests.unit.test_ytdlp_versions import fake_version
from tests.ytdlp_wheels import installed_package

pytestmark = pytest.mark.django_db
BUNDLED = ytdlp_versions.version_in_folder(installed_package().parent)


@pytest.fixture
def shared(settings, tmp_path):
    settings.YTARCHIVE = {**settings.YTARCHIVE, "YTDLP_DIR": tmp_path / "yt-dlp"}
    return tmp_path / "yt-dlp"


def test_the_queue_page_shows_the_version_and_only_the_owner_gets_the_buttons(shared, redis_client):
    owner, reader = login("owner", True, superuser=True), login("reader", True)  # staff: an editor
    page = owner.get("/queue/").content.decode()
    assert f'class="ytdlp-version">{BUNDLED}</strong>' in page and "the one bundled with ytarchive" in page
    assert "Update yt-dlp" in page and "Roll back" not in page  # nothing to roll back to
    assert "<title>Queue · ytarchive</title>" in page and page.count('<section class="card ytdlp">') == 1
    fake_version(shared, "2099.1.1")
    ytdlp_versions.switch(shared, "2099.1.1")
    page = owner.get("/queue/").content.decode()
    assert 'class="ytdlp-version">2099.1.1</strong>, released 2099-01-01' in page and "Roll back" in page
    assert f"This web process still runs {BUNDLED}" in page
    shown = reader.get("/queue/").content.decode()
    assert "2099.1.1" in shown and "Update yt-dlp" not in shown and "Roll back" not in shown
    assert reader.post("/queue/ytdlp/update/", {"version": "2099.1.1"}).status_code == 403
    assert reader.post("/queue/ytdlp/rollback/").status_code == 403


def test_a_bad_version_from_the_page_is_a_message_not_an_error(shared, redis_client):
    owner = login("owner", True, superuser=True)
    response = owner.post("/queue/ytdlp/update/", {"version": "latest && reboot"}, follow=True)
    assert response.status_code == 200 and "is not a yt-dlp version" in response.content.decode()
    response = owner.post("/queue/ytdlp/rollback/", follow=True)
    assert "nothing to roll back" in response.content.decode()
    response = owner.post("/queue/ytdlp/sideways/", follow=True)
    assert "action must be update or rollback" in response.content.decode()


@pytest.mark.parametrize(("name", "value"), [("YTARCHIVE_YTDLP_UPDATE", "weekly"),
                                             ("YTARCHIVE_YTDLP_CANARY_URL", "ftp://example.org/v")])
def test_bad_update_settings_name_the_variable(monkeypatch, name, value):
    from config import env

    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        env.env_choice("YTARCHIVE_YTDLP_UPDATE", "stable", ytdlp_versions.CHANNELS)
        env.env_http_url("YTARCHIVE_YTDLP_CANARY_URL")


@pytest.mark.parametrize(("mode", "scheduled"), [("stable", True), ("nightly", True), ("off", False)])
def test_the_daily_check_is_a_beat_schedule_that_expires_unless_off(mode, scheduled, tmp_path):
    code = ("import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CELERY_BEAT_SCHEDULE.get('ytdlp-daily-check')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "YTARCHIVE_YTDLP_UPDATE": mode, "DATA_DIR": str(tmp_path),
                              "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert out.returncode == 0, out.stderr
    entry = json.loads(out.stdout.strip().splitlines()[-1])
    if scheduled:
        assert entry == {"task": "downloads_app.tasks.ytdlp_daily_check", "schedule": 86400.0,
                         "options": {"expire_seconds": 3600}}
    else:
        assert entry is None
