"""Redis unreachable: every /api/ answer is a JSON 503 with Retry-After (never a 500), pages a friendly 503
with the app's navigation, and schemathesis finds no 500 on any operation.

The app reads REDIS_URL once per process (settings, the throttles' cache, Celery's broker), so the outage
tests run in a child pytest whose REDIS_URL names a port nothing listens on (YTARCHIVE_TEST_REDIS=down,
tests/env_setup.py): every Redis call the app makes is refused for real. The parent test runs that child
with tests/unit/test_api_fuzz.py and requires both to pass.
"""
import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.test import Client

from channels_app.models import Channel, Video
from tests import env_setup
from tests.harness import REPO
from tokens_app.service import issue

pytestmark = pytest.mark.django_db
outage_only = pytest.mark.skipif(not env_setup.REDIS_DOWN, reason="runs in the child with YTARCHIVE_TEST_REDIS=down")


@pytest.mark.skipif(env_setup.REDIS_DOWN, reason="the parent test")
def test_with_redis_down_nothing_answers_500():
    # Without this run's DJANGO_SETTINGS_MODULE, pytest-django would load the settings before the child's
    # tests/env_setup.py runs, with this run's (reachable) REDIS_URL.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env["YTARCHIVE_TEST_REDIS"] = "down"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "not nothing_answers",
                          "tests/unit/test_redis_outage.py", "tests/unit/test_api_fuzz.py"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    summary = run.stdout.strip().splitlines()[-1]
    assert "skipped" not in summary and " passed" in summary, run.stdout[-2000:]  # the outage tests really ran


@pytest.fixture
def staff():
    user = User.objects.create_user("boss", password="pw-boss-12345", is_staff=True)
    return user, Client(HTTP_AUTHORIZATION=f"Token {issue(user).key}")


@pytest.fixture
def failed_video():
    channel = Channel.objects.create(id="site-c1", url="https://example.org/c1", title="c1")
    return Video.objects.create(channel=channel, video_id="v1", raw_id="v1", url="https://example.org/v1",
                                status="failed", failure_kind="permanent")


def assert_outage(response):
    assert response.status_code == 503, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    assert "Redis" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


@outage_only
def test_api_calls_that_need_redis_answer_503_json(staff, failed_video):
    from django.conf import settings

    assert f":{env_setup.REDIS_PORT}/" not in settings.REDIS_URL  # the app's Redis is not the tests' own
    _, client = staff
    assert_outage(Client().post("/api/auth/token/", {"username": "boss", "password": "pw-boss-12345"},
                                content_type="application/json"))
    assert_outage(client.get(f"/api/channels/{failed_video.channel_id}/progress/"))
    assert_outage(client.post(f"/api/channels/{failed_video.channel_id}/sync/"))
    assert_outage(client.post(f"/api/videos/{failed_video.pk}/retry/"))
    assert_outage(client.get("/api/sites/"))


@outage_only
def test_pages_that_need_redis_answer_a_friendly_503_with_the_navigation(staff, failed_video):
    user, _ = staff
    browser = Client()
    browser.force_login(user)
    for path in ("/queue/",):
        page = browser.get(path)
        assert page.status_code == 503, (path, page.status_code)
        html = page.content.decode()
        assert "Temporarily unavailable" in html and "Server Error" not in html
        nav = html.split('<nav aria-label="Main" id="main-nav">')[1].split("</nav>")[0]  # the app's navigation
        assert 'href="/queue/"' in nav and '<a href="/">Library</a>' in nav
        assert int(page["Retry-After"]) > 0
