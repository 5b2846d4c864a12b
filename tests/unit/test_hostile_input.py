"""Hostile input on every endpoint gets a JSON 4xx with a message: never a 500, never an HTML page.

Deep nesting, huge bodies (with and without Content-Length), invalid encodings, odd content types
and path tricks, on the unauthenticated token endpoint, the channel and the video endpoints; flags
parsed one way; throttles with 429 and Retry-After; the schema behind the same auth as /api/ and
documenting every error and every progress key.
"""
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client, override_settings

from channels_app.models import Channel, Video
from tokens_app.service import issue

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000
HUGE = 20 * 1024 * 1024


@pytest.fixture
def staff():
    user = User.objects.create_user("boss", password="pw-boss-12345", is_staff=True)
    return Client(HTTP_AUTHORIZATION=f"Token {issue(user).key}")


@pytest.fixture
def video():
    channel = Channel.objects.create(id="site-c1", url="https://example.org/c1", title="c1")
    return Video.objects.create(channel=channel, video_id="v1", raw_id="v1", url="https://example.org/v1",
                                status="failed", failure_kind="permanent")


def assert_json_4xx(response, *codes):
    assert response.status_code in codes, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert response.json()["detail"]


def endpoints(video):
    """Endpoints that read a body; the POST actions that take none (retry, sync) answer as usual."""
    return [("post", "/api/auth/token/"), ("post", "/api/channels/"),
            ("patch", f"/api/channels/{video.channel_id}/")]


def test_deep_nesting_is_a_400(staff, video):
    for method, path in endpoints(video):
        assert_json_4xx(getattr(staff, method)(path, DEEP, content_type="application/json"), 400)
    for path in (f"/api/videos/{video.pk}/retry/", f"/api/channels/{video.channel_id}/sync/"):
        answer = staff.post(path, DEEP, content_type="application/json")
        assert answer.status_code < 500 and answer["Content-Type"].startswith("application/json")
    assert_json_4xx(Client().post("/api/auth/token/", DEEP, content_type="application/json"), 400)


def test_a_huge_body_is_a_413_before_it_is_read(staff, video, caplog):
    body = b"{" + b" " * HUGE + b"}"
    for method, path in [*endpoints(video), ("post", f"/api/videos/{video.pk}/retry/")]:
        response = getattr(staff, method)(path, body, content_type="application/json")
        assert_json_4xx(response, 413)
        assert "YTARCHIVE_MAX_REQUEST_BYTES" in response.json()["detail"]
    assert "Traceback" not in caplog.text


def test_a_body_without_content_length_is_never_read(staff):
    """Django reads CONTENT_LENGTH bytes and no more (chunked bodies included), so size is capped above."""
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/channels/", "CONTENT_TYPE": "application/json",
               "wsgi.input": io.BytesIO(b'{"url": "' + b"x" * HUGE + b'"}'), "CONTENT_LENGTH": ""}
    response = staff.generic("POST", "/api/channels/", **{k: v for k, v in environ.items() if k != "PATH_INFO"})
    assert_json_4xx(response, 400)
    assert "url" in response.json()["errors"]  # the body was not read: no url given


@pytest.mark.parametrize("body, content_type", [
    (b'{"url": "\xff\xfe"}', "application/json"),
    (b'{"url": ', "application/json"),
    (b"<url>x</url>", "application/xml"),
    (b"url=x", "text/plain"),
    (b"--x\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\n", "multipart/form-data; boundary=x"),
    (b'{"url": "http://a/"}', "application/json; charset=latin-7"),
])
def test_odd_bodies_and_content_types(staff, video, body, content_type):
    for method, path in endpoints(video):
        assert_json_4xx(staff.generic(method.upper(), path, body, content_type=content_type), 400, 415)


@pytest.mark.parametrize("path", ["/api/channels/..%2f..%2fetc%2fpasswd/", "/api/channels/a%00b/",
                                  "/api/channels/" + "x" * 5000 + "/", "/api/videos/999999/",
                                  "/api/videos/abc/", "/api/channels/%2e%2e/progress/", "/api/nothing/"])
def test_path_tricks(staff, path):
    assert_json_4xx(staff.get(path), 400, 404, 414)  # 414: a URL over 4 KiB (front_app.http.url_limit)


@pytest.mark.parametrize("path, method", [("/api/channels/site-c1/sync/?full=maybe", "post"),
                                          ("/api/channels/site-c1/?delete_files=perhaps", "delete"),
                                          ("/api/videos/?dead_letter=maybe", "get"),
                                          ("/api/channels/site-c1/retry-failed/?dead_letter=2", "post")])
def test_flags_are_parsed_one_way(staff, video, path, method):
    response = getattr(staff, method)(path)
    assert_json_4xx(response, 400)
    assert "true or false" in response.json()["detail"]
    assert Channel.objects.filter(pk="site-c1").exists()  # nothing was done on a bad flag


def throttled(rates):
    from django.conf import settings

    caches["throttle"].clear()
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates})


def test_the_token_endpoint_is_throttled_per_address():
    User.objects.create_user("u", password="right-password-1")
    with throttled({"token": "3/minute", "writes": "100/minute"}):
        answers = [Client().post("/api/auth/token/", {"username": "u", "password": "wrong"},
                                 content_type="application/json") for _ in range(4)]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert_json_4xx(answers[-1], 429)
    assert int(answers[-1]["Retry-After"]) > 0


def test_writes_are_throttled_per_user_and_reads_are_not(staff, video):
    with throttled({"token": "100/minute", "writes": "2/minute"}):
        writes = [staff.post(f"/api/videos/{video.pk}/retry/") for _ in range(3)]
        reads = [staff.get("/api/channels/") for _ in range(5)]
    assert writes[-1].status_code == 429 and int(writes[-1]["Retry-After"]) > 0
    assert_json_4xx(writes[-1], 429)
    assert all(r.status_code == 200 for r in reads)


def test_the_schema_needs_an_account_and_documents_errors_and_progress(staff, video):
    assert Client().get("/api/schema/").status_code in (401, 403)
    assert Client().get("/api/docs/").status_code in (401, 403)
    schema = staff.get("/api/schema/?format=json")
    assert schema.status_code == 200
    doc = json.loads(schema.content)
    assert doc["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert {"400", "401", "403", "404", "413", "415", "429"} <= set(operation["responses"]), (path, method)
    progress_op = doc["paths"]["/api/channels/{id}/progress/"]["get"]
    ref = progress_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    documented = set(doc["components"]["schemas"][ref]["properties"])
    actual = staff.get(f"/api/channels/{video.channel_id}/progress/").json()
    assert set(actual) == documented, (set(actual) ^ documented)


def test_a_forged_forwarded_for_does_not_reset_the_token_throttle():
    with throttled({"token": "2/minute", "writes": "100/minute"}):
        answers = [Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").post("/api/auth/token/", {"username": "x"},
                                                                      content_type="application/json")
                   for n in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 429]
