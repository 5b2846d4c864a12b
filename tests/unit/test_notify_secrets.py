"""Apprise URLs hold secrets: a notification task names its targets, never their URLs (Flower shows task
arguments, the broker keeps them); the control side resolves them when it sends."""
import pytest

from archiver import task_names
from channels_app import notify
from channels_app.models import Channel
from config.lanes import lane_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret_targets(settings, notify_sink):
    settings.YTARCHIVE = {**settings.YTARCHIVE, "NOTIFY_URLS": [notify_sink.url("/global-hook-secret-111")]}
    return Channel.objects.create(id="site-n1", url="https://example.org/n1", source_url="x", extractor="x",
                                  raw_id="n1", title="N", notify_urls=notify_sink.url("/own-hook-secret-222"))


def test_the_queued_message_names_targets_and_no_url(secret_targets, redis_client):
    notify._queue(notify.targets(secret_targets), "3 new videos archived: N", "- a")
    import base64
    import json

    messages = [json.loads(m) for m in redis_client.lrange(lane_of(task_names.SEND_NOTIFICATION), 0, -1)]  # as kept
    raw = "".join(m["body"] if m["properties"]["body_encoding"] != "base64" else
                  base64.b64decode(m["body"]).decode() for m in messages) + "".join(map(json.dumps, messages))
    assert "3 new videos archived" in raw  # it is the message we sent
    assert "hook-secret" not in raw and "json://" not in raw
    assert '"global"' in raw and "channel:site-n1" in raw


def test_the_control_side_resolves_the_targets_and_delivers(secret_targets, notify_sink):
    since = notify_sink.mark()
    assert notify.resolve(["global", "channel:site-n1"]) == [notify_sink.url("/global-hook-secret-111"),
                                                            notify_sink.url("/own-hook-secret-222")]
    assert notify.send(["global", "channel:site-n1"], "hello", "body")
    assert notify_sink.messages("/global-hook-secret-111", since)[0]["title"] == "hello"
    assert notify_sink.messages("/own-hook-secret-222", since)[0]["title"] == "hello"
    assert notify.resolve(["channel:gone", "bogus"]) == []  # a removed channel, a reference of no kind
