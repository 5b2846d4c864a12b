"""The database holds the backlog; Redis holds a window (issue 21, item 5).

A real redis-server and the real queueing and feeding code, in process: 20,000 queued videos put a
window of messages in Redis, not 20,000; Redis's memory stays flat; a paused site is not fed; a
message lost in Redis is sent again, once.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from archiver.state import broker_queue, video_states
from archiver.state import egress as egress_state
from archiver.vocabulary import VideoStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
BACKLOG = 20_000
SITE = "127.0.0.1"


def _seed(count: int, channel_id: str = "feed-chan", order: str = "") -> str:
    """A channel and ``count`` listed videos (bulk rows, live state as a sync leaves it)."""
    from channels_app.models import Channel, Video

    Channel.objects.create(id=channel_id, url=f"http://{SITE}:9/channel/{channel_id}", source_url="x",
                           extractor="generic", raw_id=channel_id, download_order=order)
    Video.objects.bulk_create(
        [Video(channel_id=channel_id, video_id=f"v{n:06d}", raw_id=f"v{n:06d}", url=f"http://{SITE}:9/watch/v{n:06d}",
               title=f"video {n}", upload_date=f"2020{1 + n % 12:02d}{1 + n % 28:02d}") for n in range(count)],
        batch_size=5000)
    return channel_id


def _window(settings) -> int:
    from downloads_app.feeder import windows

    return windows()[SITE].window


def _queued_pks(r) -> list[int]:
    """The video pks of the download messages waiting in Redis (kombu's JSON envelope)."""
    return _queued_pks_of(r.lrange(broker_queue.DOWNLOADS_QUEUE, 0, -1))


def _queued_pks_of(raws) -> list[int]:
    import base64

    pks = []
    for raw in raws:
        message = json.loads(raw)
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        pks.append(json.loads(body)[0][0]["video_pk"])
    return pks


def test_a_large_backlog_keeps_only_a_window_in_redis(redis_client, settings):
    from downloads_app import feeder, queueing

    channel_id = _seed(BACKLOG)
    video_states.add_states(redis_client, channel_id, [f"v{n:06d}" for n in range(BACKLOG)], VideoStatus.NEW)
    before = int(redis_client.info("memory")["used_memory"])
    assert queueing.queue_new_videos(channel_id) == BACKLOG
    feeder.feed()
    window = _window(settings)
    assert 0 < window <= 100
    length = broker_queue.queue_length(redis_client)
    assert length == window, f"{length} messages in Redis for a window of {window}"
    grown = int(redis_client.info("memory")["used_memory"]) - before
    assert grown < 1_000_000, f"Redis grew by {grown} bytes for {BACKLOG} queued videos"
    feeder.feed()  # a second round: the window is full, nothing more is sent
    assert broker_queue.queue_length(redis_client) == window
    assert len(set(_queued_pks(redis_client))) == window


def test_newest_first_unless_the_channel_says_oldest(redis_client, settings):
    from channels_app.models import Video
    from downloads_app import feeder, queueing

    newest, oldest = _seed(200, "chan-newest"), _seed(200, "chan-oldest", order="oldest")
    queueing.queue_new_videos(newest)
    queueing.queue_new_videos(oldest)
    feeder.feed()
    fed = list(Video.objects.filter(fed_at__isnull=False).values_list("channel_id", "upload_date"))
    by_channel = {c: sorted(d for ch, d in fed if ch == c) for c in (newest, oldest)}
    dates = sorted(Video.objects.filter(channel_id=newest).values_list("upload_date", flat=True))
    assert by_channel[newest] and by_channel[newest][0] >= dates[-len(by_channel[newest])]  # the newest ones
    assert by_channel[oldest] and by_channel[oldest][-1] <= dates[len(by_channel[oldest]) - 1]  # the oldest ones
    assert abs(len(by_channel[newest]) - len(by_channel[oldest])) <= 1  # the two channels share the room


def test_a_paused_site_is_not_fed_and_resumes_by_itself(redis_client, settings):
    from downloads_app import feeder, queueing

    channel_id = _seed(500)
    egress_state.trip(redis_client, SITE, "direct", "HTTP Error 429: Too Many Requests", 600)
    queueing.queue_new_videos(channel_id)
    assert feeder.feed()["fed"] == 0
    assert broker_queue.queue_length(redis_client) == 0
    egress_state.resume(redis_client, SITE)
    assert feeder.feed()["fed"] == _window(settings) == broker_queue.queue_length(redis_client)


def test_a_message_lost_in_redis_is_sent_again_once(redis_client, settings):
    from channels_app.models import Video
    from downloads_app import feeder, queueing, reliability

    channel_id = _seed(300)
    queueing.queue_new_videos(channel_id)
    feeder.feed()
    window = broker_queue.queue_length(redis_client)
    first = _queued_pks(redis_client)
    Video.objects.filter(fed_at__isnull=False).update(fed_at=timezone.now() - timedelta(hours=1))
    assert reliability.requeue_lost_messages() == 0  # every message is still in Redis: none is lost
    lost = [json.loads(redis_client.rpop(broker_queue.DOWNLOADS_QUEUE)) for _ in range(3)]  # the next three, gone
    assert len(lost) == 3 and broker_queue.queue_length(redis_client) == window - 3
    assert feeder.feed()["fed"] == 0  # the window still counts them: nothing new is sent yet
    assert reliability.requeue_lost_messages() == 3  # found while the rest still waits in the queue
    assert reliability.requeue_lost_messages() == 0  # taken back once
    feeder.feed()
    again = _queued_pks(redis_client)
    assert len(again) == len(set(again)) == window
    assert set(again) == set(first)  # the same videos: the three lost ones sent again, once
    redis_client.delete(broker_queue.DOWNLOADS_QUEUE)  # Redis lost every message (a restart without its AOF)
    Video.objects.filter(fed_at__isnull=False).update(fed_at=timezone.now() - timedelta(hours=1))
    assert reliability.requeue_lost_messages() == window
    feeder.feed()
    assert sorted(_queued_pks(redis_client)) == sorted(first)


def test_a_message_its_worker_dropped_in_a_redis_restart_is_sent_again(redis_client, settings):
    """A worker that loses Redis drops the messages it had taken and not started; an AOF keeps kombu's
    record of them ("unacked", for its hour-long visibility timeout). Taken long ago and locked by
    nobody: lost, and sent again. Taken moments ago (its worker about to lock it): left alone."""
    import time

    from channels_app.models import Video
    from downloads_app import feeder, queueing, reliability

    channel_id = _seed(50)
    queueing.queue_new_videos(channel_id)
    feeder.feed()
    Video.objects.filter(fed_at__isnull=False).update(fed_at=timezone.now() - timedelta(hours=1))
    two_leases = 2 * settings.YTARCHIVE["LEASE_SECONDS"]
    taken = {}
    for tag, when in (("dropped-in-restart", time.time() - two_leases - 5), ("just-taken", time.time())):
        raw = redis_client.rpop(broker_queue.DOWNLOADS_QUEUE)  # as kombu's Redis transport takes one
        redis_client.zadd("unacked_index", {tag: when})
        redis_client.hset("unacked", tag, json.dumps([json.loads(raw), "", broker_queue.DOWNLOADS_QUEUE]))
        taken[tag] = _queued_pks_of([raw])[0]
    def backlog():
        return set(Video.objects.filter(fed_at__isnull=True, status=VideoStatus.QUEUED).values_list("pk", flat=True))

    waiting = backlog()
    assert reliability.requeue_lost_messages() == 1
    assert backlog() - waiting == {taken["dropped-in-restart"]}
    feeder.feed()
    assert taken["dropped-in-restart"] in _queued_pks(redis_client)
    assert taken["just-taken"] not in _queued_pks(redis_client)
    assert reliability.requeue_lost_messages() == 0


def test_the_scaler_reads_the_backlog_from_the_database(redis_client, settings):
    from downloads_app import queueing
    from downloads_app.scaling import plan

    settings.YTARCHIVE = {**settings.YTARCHIVE, "WORKERS_PER_QUEUE": 100, "MAX_WORKERS": 50}
    channel_id = _seed(1000)
    queueing.queue_new_videos(channel_id)
    found = plan(redis_client)
    assert (found.queue_length, found.startable, found.desired) == (1000, 1000, 10)
    egress_state.trip(redis_client, SITE, "direct", "Sign in to confirm you're not a bot", 600)
    paused = plan(redis_client)
    assert (paused.queue_length, paused.startable, paused.desired) == (1000, 0, 0)
    assert f"{SITE}: 1000 queued; does not count: every identity (1) paused" in "\n".join(paused.lines())
    # Counted only as far as the rule and the resource tiers can use (never a million rows each look).
    settings.YTARCHIVE = {**settings.YTARCHIVE, "WORKERS_PER_QUEUE": 1, "MAX_WORKERS": 10}
    egress_state.resume(redis_client, SITE)
    capped = plan(redis_client)
    assert (capped.queue_length, capped.startable, capped.desired) == (501, 501, 10)
    assert f"{SITE}: at least 501 queued; counts" in "\n".join(capped.lines())


def test_a_spent_budget_closes_the_window_until_a_timed_round(redis_client, settings):
    from archiver.budgets import parse_site_rates
    from archiver.state import feeder as feeder_state
    from downloads_app import feeder, queueing

    settings.YTARCHIVE = {**settings.YTARCHIVE, "SITE_RATES": parse_site_rates(f"{SITE}=2/3s")}
    channel_id = _seed(50)
    queueing.queue_new_videos(channel_id)
    assert feeder.feed()["fed"] == 2  # never more than the budget lets start
    for n in range(2):  # both start: the budget is spent for three seconds
        egress_state.try_start(redis_client, "video", SITE, "direct", 2, 3, f"s{n}")
        egress_state.confirm_start(redis_client, "video", SITE, "direct", f"s{n}")
    redis_client.delete(feeder_state.timer_key(), "scaling")
    feeder.feed_round(redis_client)
    assert feeder.windows(redis_client)[SITE].window == 0
    # No outcome will say when the budget frees: a feed task is set for then (one at a time).
    assert 0 < redis_client.pttl(feeder_state.timer_key()) <= 3100
    assert redis_client.llen("scaling") == 1
    feeder.feed_round(redis_client)
    assert redis_client.llen("scaling") == 1
