"""The feeder's window (archiver.feed_window) and the channel's download order, with a real redis-server."""
import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from archiver.budgets import parse_egress, parse_site_rates
from archiver.egress import Pool
from archiver.feed_window import fleet_capacity, share, site_window
from archiver.state import egress as egress_state
from tokens_app.service import issue


def test_share_takes_turns_in_proportion_and_keeps_each_streams_order():
    assert share(6, [(2, ["a1", "a2", "a3", "a4"]), (1, ["b1", "b2", "b3"])]) == ["a1", "b1", "a2", "a3", "b2", "a4"]
    # a stream that ran out leaves its turns to the others
    assert share(5, [(1, ["a1"]), (1, ["b1", "b2", "b3", "b4", "b5"])]) == ["a1", "b1", "b2", "b3", "b4"]
    assert share(3, [(5, []), (1, ["b1"])]) == ["b1"]
    assert share(0, [(1, ["a"])]) == []


def test_fleet_capacity_is_the_most_workers_times_their_downloads():
    assert fleet_capacity(2, 0, 8) == 16
    assert fleet_capacity(0, 3, 4) == 12  # started by hand (scaler none): the ones that run
    assert fleet_capacity(0, 0, 4) == 4  # at least one worker's worth


def test_a_sites_window_follows_its_identities_pauses_and_budgets(redis_client):
    pool = Pool(rates=parse_site_rates("127.0.0.1=5/1h"), identities=parse_egress("source:127.0.0.2,source:127.0.0.3"),
                leases_per_identity=2)
    full = site_window(redis_client, pool, "127.0.0.1", fleet=16, factor=3)
    assert (full.can_run, full.window) == (4, 10)  # 2 at once each; 3 x 2 = 6 sent each, but only 5 starts left
    egress_state.trip(redis_client, "127.0.0.1", "source:127.0.0.2", "HTTP Error 429", 600)
    half = site_window(redis_client, pool, "127.0.0.1", fleet=16, factor=3)
    assert (half.can_run, half.window) == (2, 5)
    for n in range(5):
        egress_state.try_start(redis_client, "video", "127.0.0.1", "source:127.0.0.3", 5, 3600, f"s{n}")
    spent = site_window(redis_client, pool, "127.0.0.1", fleet=16, factor=3)
    assert (spent.can_run, spent.window) == (0, 0) and "spent their budget" in spent.why
    egress_state.trip(redis_client, "127.0.0.1", "source:127.0.0.3", "HTTP Error 429", 600)
    assert "every identity (2) paused" in site_window(redis_client, pool, "127.0.0.1", 16, 3).why
    # No rate, no lease cap: what the workers can run, times the factor, never more.
    assert site_window(redis_client, Pool(), "example.org", fleet=8, factor=2.5).window == 20


@pytest.mark.django_db
def test_the_download_order_is_a_channel_option_of_the_api():
    from channels_app.models import Channel

    Channel.objects.create(id="site-c1", url="https://example.org/c1", title="c1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(User.objects.create_user('owner', is_staff=True)).key}")
    answer = client.patch("/api/channels/site-c1/", {"download_order": "oldest"}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["download_order"] == "oldest" and answer.json()["effective"]["download_order"] == "oldest"
    bad = client.patch("/api/channels/site-c1/", {"download_order": "random"}, format="json")
    assert bad.status_code == 400 and "download_order" in bad.json()["errors"]
    assert Channel.objects.get(pk="site-c1").download_order == "oldest"


def test_the_feeder_is_periodic_with_an_expiry_and_its_factor_is_checked(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_float

    entry = settings.CELERY_BEAT_SCHEDULE["feed-downloads"]
    assert entry["task"] == "downloads_app.tasks.feed_downloads"
    assert 0 < entry["options"]["expire_seconds"] <= max(5, entry["schedule"])  # a late round is dropped
    monkeypatch.setenv("YTARCHIVE_FEED_WINDOW_FACTOR", "0.5")
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_FEED_WINDOW_FACTOR"):
        env_float("YTARCHIVE_FEED_WINDOW_FACTOR", 3.0, minimum=1)
