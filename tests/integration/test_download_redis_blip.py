"""Item 8 of issue 21: a Redis blip in the download path never leaks what the download took.

Each case makes exactly one Redis command of ``archive_video`` fail once (a real Redis client whose
``execute_command`` raises ``ConnectionError`` on the first matching call: no fakeredis), then checks
that the download came back as an outcome (never an exception that would lose its message), that the
video's lock and slots are free, that the lease keeper has stopped, and that the next attempt, with
a healthy client, archives the video.
"""
from __future__ import annotations

import hashlib
import threading

import pytest
import redis

from archiver import tree
from archiver.channel_options import Profile
from archiver.download import action_for, archive_video
from archiver.messages import DownloadOptions, DownloadRequest
from archiver.state import deleted_channels, download_locks, site_slots, video_states
from archiver.state import egress as egress_state
from archiver.vocabulary import WorkerResult
from tests.harness import wait_for

pytestmark = pytest.mark.integration

CHANNEL = "fixturesite-chan-main"


class BlipRedis(redis.Redis):
    """A real client that fails one command once: ``(name, key fragment)`` chosen by the test."""

    fail_on: tuple[str, str] = ("", "")
    failed = 0

    def execute_command(self, *args, **options):
        command, words = str(args[0]).upper(), [str(a) for a in args[1:6]]
        if not self.failed and command == self.fail_on[0] and any(self.fail_on[1] in w for w in words):
            self.failed += 1
            raise redis.ConnectionError("Connection reset by peer (a blip made by the test)")
        return super().execute_command(*args, **options)


def message(site, video_id: str) -> DownloadRequest:
    return DownloadRequest(video_pk=1, channel_id=CHANNEL, video_id=video_id, attempt=1,
                           url=f"{site.base_url}/watch/{video_id}",
                           options=DownloadOptions(format="bestvideo*+bestaudio/best", socket_timeout=5,
                                                   http_retries=0, profile=Profile(max_concurrent=2)))


def lease_keepers(video_id: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"lease-{video_id}" and t.is_alive()]


# The Redis calls of one download, in the order it makes them.
BLIPS = {
    "the deleted-channel check": ("SISMEMBER", deleted_channels.deleted_channels_key()),
    "the lease's entry": ("ZADD", download_locks.leases_key()),
    "the channel slot": ("EVALSHA", site_slots.site_key(f"channel:{CHANNEL}")),
    "the site-pause check": ("HGETALL", egress_state.pause_key("127.0.0.1", "direct")),
    "the live state": ("EVALSHA", video_states.vstate_key(CHANNEL)),
    "releasing the identity": ("ZREM", site_slots.site_key(egress_state.lease_name("127.0.0.1", "direct"))),
    "releasing the lock": ("EVALSHA", hashlib.sha1(download_locks._RELEASE_IF_OWNER.encode()).hexdigest()),
}


@pytest.mark.parametrize("where", list(BLIPS))
def test_one_failing_redis_call_releases_everything(where, fixture_site, redis_client, redis_server, tmp_path):
    video_id = f"vid-main-0{list(BLIPS).index(where) + 1}"
    blip = BlipRedis.from_url(redis_server.url, decode_responses=True)
    blip.fail_on = BLIPS[where]
    outcome = archive_video(message(fixture_site, video_id), tmp_path, blip, lease_seconds=3)
    assert blip.failed == 1, f"the test's blip never happened at {where}"
    # An outcome, never an exception: the task reports or hands back, its message is never lost.
    assert outcome.status in (WorkerResult.ARCHIVED, WorkerResult.INTERRUPTED), outcome
    action_for(outcome)
    assert not redis_client.exists(download_locks.lock_key(CHANNEL, video_id)), f"lock leaked after a blip at {where}"
    assert redis_client.zcard(site_slots.site_key(f"channel:{CHANNEL}")) == 0, "channel slot leaked"
    assert redis_client.zcard(site_slots.site_key(egress_state.lease_name("127.0.0.1", "direct"))) == 0
    wait_for(lambda: not lease_keepers(video_id), 5, "the lease keeper to stop")
    if outcome.status is WorkerResult.INTERRUPTED:  # handed back: the next attempt archives it
        again = archive_video(message(fixture_site, video_id), tmp_path, redis_client, lease_seconds=3)
        assert again.status is WorkerResult.ARCHIVED, again
    assert tree.is_archived(tmp_path, CHANNEL, video_id)
    assert not redis_client.exists(download_locks.lock_key(CHANNEL, video_id))
