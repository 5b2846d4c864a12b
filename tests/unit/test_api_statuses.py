"""Every documented status is the one answered: numbers out of bounds are a 400 naming the field before
anything is written, nothing to retry is a 409, and a URL over 4 KiB is a JSON 414 through real gunicorn."""
import json
import os
import sys

import pytest
import requests
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from archiver.limits import OPTION_BOUNDS
from channels_app.models import Channel, Video
from tests.harness import Process, free_port, wait_for
from tokens_app.service import issue

pytestmark = pytest.mark.django_db
HUGE = 99999999999999999999999


@pytest.fixture
def owner():
    user = User.objects.create_user("owner", password="pw-owner-123", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    return client


@pytest.fixture
def channel():
    return Channel.objects.create(id="site-c1", url="https://example.org/c1", title="c1")


def raw(client, method, path, text):
    return getattr(client, method)(path, text, content_type="application/json")


@pytest.mark.parametrize("field", ["rate_limit", "newest_n"])
def test_a_huge_number_on_post_is_a_400_naming_the_field_and_adds_nothing(owner, fixture_site, field):
    body = f'{{"url": "{fixture_site.base_url}/channel/chan-main", "{field}": {HUGE}}}'
    answer = raw(owner, "post", "/api/channels/", body)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"] and answer.json()["detail"].startswith(f"{field}:")
    assert not Channel.objects.exists()  # a retry is not a 409


@pytest.mark.parametrize("field", sorted(OPTION_BOUNDS))
def test_every_numeric_option_is_bounded_on_patch(owner, channel, field):
    low, high = OPTION_BOUNDS[field]
    for bad in (HUGE, high + 1, low - 1, "1e400"):
        answer = raw(owner, "patch", f"/api/channels/{channel.pk}/", f'{{"{field}": {bad}}}')
        assert answer.status_code == 400, (field, bad, answer.content)
        assert field in answer.json()["errors"], (bad, answer.json())
    for bad in ("nan", "inf", "-inf", str(HUGE)):  # as text, as the web page's options form sends them
        answer = owner.patch(f"/api/channels/{channel.pk}/", {field: bad}, format="json")
        assert answer.status_code == 400 and field in answer.json()["errors"], (field, bad, answer.content)
    assert getattr(Channel.objects.get(pk=channel.pk), field) is None  # nothing was written
    assert raw(owner, "patch", f"/api/channels/{channel.pk}/", json.dumps({field: high})).status_code == 200
    assert getattr(Channel.objects.get(pk=channel.pk), field) == high


@pytest.mark.parametrize("bad", [str(HUGE), "nan", "inf", "1e400"])
def test_the_sync_interval_is_bounded_too(owner, channel, bad):
    answer = owner.patch(f"/api/channels/{channel.pk}/", {"sync_interval_hours": bad}, format="json")
    assert answer.status_code == 400, answer.content
    assert "sync_interval_hours" in answer.json()["errors"]


def test_nan_and_infinity_are_not_json(owner, channel):
    answer = raw(owner, "patch", f"/api/channels/{channel.pk}/", '{"sleep_min": NaN}')
    assert answer.status_code == 400 and "NaN" in answer.json()["detail"]


def test_retry_failed_with_nothing_to_retry_is_a_409(owner, channel):
    answer = owner.post(f"/api/channels/{channel.pk}/retry-failed/")
    assert answer.status_code == 409 and "nothing to retry" in answer.json()["detail"]
    Video.objects.create(channel=channel, video_id="v1", raw_id="v1", url="https://example.org/v1",
                         status="failed", failure_kind="permanent")
    assert owner.post(f"/api/channels/{channel.pk}/retry-failed/?dead_letter=true").status_code == 409
    done = owner.post(f"/api/channels/{channel.pk}/retry-failed/")
    assert done.status_code == 202 and done.json() == {"requeued": 1}


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """The web server as make run and the chart start it (config.gunicorn_conf), alone."""
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    server = Process([sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "python:config.gunicorn_conf",
                      "--bind", f"127.0.0.1:{port}", "--workers", "1"], dict(os.environ), log).start()
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: requests.get(f"{base}/health", timeout=5).ok, 60, "gunicorn to answer")
    yield base
    server.stop()


@pytest.mark.parametrize("length", [5000, 9000, 100_000])
def test_a_long_url_is_a_json_414_through_gunicorn(gunicorn, length):
    answer = requests.get(f"{gunicorn}/api/videos/?channel={'x' * length}", timeout=30)
    assert answer.status_code == 414, answer.text[:300]
    assert answer.headers["Content-Type"].startswith("application/json")
    assert "4096" in answer.json()["detail"]


def test_a_url_under_the_limit_reaches_the_api(gunicorn):
    answer = requests.get(f"{gunicorn}/api/videos/?channel={'x' * 4000}", timeout=30)
    assert answer.status_code == 401 and answer.json()["detail"]  # the API's own answer: no token
