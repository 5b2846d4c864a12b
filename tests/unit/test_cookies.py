"""Cookies files: checked, kept 0600, handed to workers through Redis by key, never shown or sent in a message."""
from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.test import APIClient

from archiver import cookies
from archiver.errors import UserError
from archiver.state import cookie_copies
from channels_app.models import Channel, Video
from tokens_app.service import issue

GOOD = "# Netscape HTTP Cookie File\n.example.org\tTRUE\t/\tTRUE\t2000000000\tSID\tsecret-value-123\n"


def test_a_browser_export_is_accepted_even_with_httponly_lines():
    assert cookies.check(GOOD.encode()) == GOOD
    http_only = GOOD.replace(".example.org", "#HttpOnly_.example.org")
    assert cookies.check(http_only) == http_only  # kept as exported: yt-dlp reads the prefix itself


@pytest.mark.parametrize("data, says", [
    (b"hello", "Netscape"),
    (b"# Netscape HTTP Cookie File\n", "no cookies"),
    (b"\xff\xfe\x00", "UTF-8"),
    (b"#" * (cookies.MAX_BYTES + 1), "larger"),
])
def test_what_is_not_a_cookies_file_is_refused_with_the_reason(data, says):
    with pytest.raises(UserError, match=says) as caught:
        cookies.check(data)
    assert "secret" not in str(caught.value)


def test_kept_private_and_replaced_in_one_step(tmp_path):
    cookies.store(tmp_path, "chan-1", GOOD)
    path = cookies.path_for(tmp_path, "chan-1")
    assert path.read_text() == GOOD and path.stat().st_mode & 0o777 == 0o600
    assert cookies.effective_text(tmp_path, "chan-1") == GOOD and cookies.effective_text(tmp_path, "other") is None
    cookies.store(tmp_path, cookies.GLOBAL, GOOD.replace("SID", "G"))
    assert "\tG\t" in cookies.effective_text(tmp_path, "other")  # the global ones where a channel has none
    assert [p.name for p in path.parent.iterdir()] == ["chan-1.txt"]  # no temp file left
    assert cookies.remove(tmp_path, "chan-1") and not cookies.remove(tmp_path, "chan-1")


def test_a_channel_id_never_becomes_a_path_unchecked(tmp_path):
    with pytest.raises(ValueError):
        cookies.path_for(tmp_path, "../../etc/passwd")


def test_handed_to_a_worker_through_redis_by_key_as_a_private_file(redis_client):
    key = cookie_copies.hand_over(redis_client, GOOD)
    assert "secret" not in key and redis_client.ttl(key) > 86400
    with cookies.from_redis(redis_client, key) as path:
        assert path.read_text() == GOOD and path.stat().st_mode & 0o777 == 0o600
    assert not path.exists()
    redis_client.delete(key)
    with pytest.raises(cookies.CookiesMissing):
        with cookies.from_redis(redis_client, key):
            pass
    with pytest.raises(cookies.CookiesMissing):
        with cookies.from_redis(redis_client, "some:other:key"):
            pass


@pytest.fixture
def clients():
    def client(name, staff):
        user = User.objects.create_user(name, password=f"pw-{name}-123", is_staff=staff, is_superuser=staff)
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
        return c
    return client("owner", True), client("reader", False), APIClient()


@pytest.mark.django_db
def test_the_api_takes_a_file_and_only_ever_says_whether_one_is_set(clients, tmp_path, redis_client):
    owner, reader, anonymous = clients
    Channel.objects.create(id="chan-x", url="http://127.0.0.1:1/channel/x", source_url="x", extractor="x",
                           raw_id="x")
    with override_settings(DATA_DIR=tmp_path):  # REDIS_URL: the test run's redis-server, db 0 (redis_client)
        assert anonymous.put("/api/channels/chan-x/cookies/", {"text": GOOD}, format="json").status_code == 401
        assert reader.put("/api/channels/chan-x/cookies/", {"text": GOOD}, format="json").status_code == 403
        assert reader.get("/api/channels/chan-x/cookies/").json() == {"set": False, "used": ""}
        bad = owner.put("/api/channels/chan-x/cookies/", {"text": "nope"}, format="json")
        assert bad.status_code == 400 and "Netscape" in bad.json()["detail"]
        assert owner.put("/api/channels/chan-x/cookies/", {}, format="json").status_code == 400
        assert owner.put("/api/channels/nope/cookies/", {"text": GOOD}, format="json").status_code == 404

        upload = owner.put("/api/cookies/", {"file": _file(GOOD)}, format="multipart")
        assert upload.status_code == 200 and upload.json() == {"set": True, "used": "global"}
        assert owner.get("/api/channels/chan-x/").json()["cookies"] == "global"
        assert owner.put("/api/channels/chan-x/cookies/", {"text": GOOD}, format="json").json() == {
            "set": True, "used": "channel"}
        body = owner.get("/api/channels/chan-x/").content.decode()
        assert json.loads(body)["cookies"] == "channel" and "secret-value" not in body

        # What a worker gets: the Redis key, never the cookies, in the message (Flower shows messages).
        from downloads_app.download_messages import download_request

        video = Video.objects.create(channel_id="chan-x", video_id="v1", raw_id="v1", url="http://127.0.0.1:1/v1")
        message = download_request(video).as_dict()
        assert "secret-value" not in json.dumps(message)
        assert redis_client.get(message["options"]["cookies_key"]) == GOOD

        assert owner.delete("/api/channels/chan-x/cookies/").status_code == 204
        assert owner.get("/api/channels/chan-x/cookies/").json() == {"set": False, "used": "global"}
        assert owner.delete("/api/cookies/").status_code == 204
        assert download_request(video).options.cookies_key == ""


def _file(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("cookies.txt", text.encode(), content_type="text/plain")


@pytest.mark.django_db
def test_clearing_cookies_deletes_every_copy_handed_to_workers_at_once(settings, tmp_path, redis_client):
    from channels_app import channel_cookies

    settings.DATA_DIR = tmp_path
    channel = Channel.objects.create(id="site-c1", url="https://example.org/c1", source_url="x", extractor="x",
                                     raw_id="c1", title="One")
    other = Channel.objects.create(id="site-c2", url="https://example.org/c2", source_url="x", extractor="x",
                                   raw_id="c2", title="Two")
    channel_cookies.set_cookies(channel.id, GOOD)
    first = channel_cookies.cookies_handover(redis_client, channel)
    channel_cookies.set_cookies(channel.id, GOOD.replace("secret-value-123", "secret-value-456"))
    assert not redis_client.exists(first)  # replacing the cookies withdrew the old copy at once
    second = channel_cookies.cookies_handover(redis_client, channel)
    channel_cookies.set_cookies(cookies.GLOBAL, GOOD.replace("secret-value-123", "global-secret-789"))
    shared = channel_cookies.cookies_handover(redis_client, other)  # a channel without its own: the global ones
    assert redis_client.exists(second) and redis_client.exists(shared)
    assert channel_cookies.clear_cookies(channel.id)
    assert not redis_client.exists(second) and redis_client.exists(shared)  # the other channel's copy stays
    assert channel_cookies.clear_cookies(cookies.GLOBAL)
    assert not redis_client.exists(shared)
    assert not [k for k in redis_client.scan_iter("ytarchive:cookies:*")]  # no copy, no set left
    assert channel_cookies.cookies_handover(redis_client, other) == ""
