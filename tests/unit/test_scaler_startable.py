"""The scaler counts only work that can start: a site with every identity paused (or out of budget) adds none.

Real redis-server; the backlog is queued videos in the database, per site (downloads_app.feeder).
"""
import sys

import pytest
from django.core.management import call_command

from archiver.state import egress as egress_state

pytestmark = pytest.mark.django_db


def _queue(channels: dict[str, int]):
    """Queued videos: ``{channel URL: how many}``."""
    from channels_app.models import Channel, Video

    for n, (url, count) in enumerate(channels.items()):
        channel = Channel.objects.create(id=f"c{n}", url=url, source_url=url, extractor="x", raw_id=f"c{n}")
        Video.objects.bulk_create([Video(channel=channel, video_id=f"v{i}", raw_id=f"v{i}", url=f"{url}/v{i}",
                                         status="queued") for i in range(count)])


def test_paused_sites_do_not_count_and_the_dry_run_says_why(redis_client, settings, capsys):
    from downloads_app.scaling import plan

    settings.YTARCHIVE = {**settings.YTARCHIVE, "WORKERS_PER_QUEUE": 1, "MAX_WORKERS": 10}
    _queue({"https://www.youtube.com/@a": 2, "https://youtu.be/b": 1, "http://127.0.0.1:9/c": 2})
    first = plan(redis_client)
    assert (first.queue_length, first.startable, first.desired) == (5, 5, 5)
    egress_state.trip(redis_client, "youtube.com", "direct", "Sign in to confirm you're not a bot", 600)
    blocked = plan(redis_client)
    assert (blocked.startable, blocked.desired) == (2, 2)
    assert blocked.sites["youtube.com"][:2] == (3, False) and "paused" in blocked.sites["youtube.com"][2]
    text = "\n".join(blocked.lines())
    assert "youtube.com: 3 queued; does not count: every identity (1) paused" in text
    # The dry run reads the same backlog (the database) and pauses (Redis), and says so on stderr.
    settings.YTARCHIVE = {**settings.YTARCHIVE, "K8S_JOB_TEMPLATE": "/nonexistent.yaml"}
    capsys.readouterr()
    call_command("reconcile_workers", "--dry-run", stderr=sys.stderr)
    done = capsys.readouterr()
    assert "5 download(s) queued in the database (0 in the Redis window); 2 can start now" in done.err
    assert "does not count" in done.err
    assert done.out.count("kind: Job") == 2
    egress_state.trip(redis_client, "127.0.0.1", "direct", "HTTP Error 429", 600)
    assert plan(redis_client).desired == 0  # every identity of every queued site paused: start nothing


def test_a_spent_budget_does_not_count_either(redis_client, settings):
    from archiver.budgets import parse_site_rates
    from downloads_app.scaling import plan

    settings.YTARCHIVE = {**settings.YTARCHIVE, "SITE_RATES": parse_site_rates("127.0.0.1=2/1h")}
    _queue({"http://127.0.0.1:9/d": 1})
    assert plan(redis_client).startable == 1
    for n in range(2):
        egress_state.try_start(redis_client, "video", "127.0.0.1", "direct", 2, 3600, f"s{n}")
        egress_state.confirm_start(redis_client, "video", "127.0.0.1", "direct", f"s{n}")
    spent = plan(redis_client)
    assert spent.startable == 0 and "spent their budget" in spent.sites["127.0.0.1"][2]
