"""The scaler counts only work that can start: a site with every identity paused (or out of budget) adds none.

Real redis-server and real Celery messages in the downloads queue, read as the scaler reads them.
"""
import subprocess
import sys

from archiver import egress_state
from archiver.scaling import startable_length
from tests.env_setup import REDIS_PORT
from tests.harness import REPO


def _queue(urls):
    from config.celery import app

    for n, url in enumerate(urls):
        app.send_task("downloads_app.tasks.download_video", args=[{"url": url, "video_pk": n}], queue="downloads")


def test_a_longer_queue_counts_in_the_sampled_proportion():
    assert startable_length(4, ["a", "a", "b", "b"], {"a": True, "b": False}) == 2
    assert startable_length(10, ["a", "a", "b", "b"], {"a": True, "b": False}) == 5
    assert startable_length(1000, ["a", "b"] * 50, {"a": True, "b": False}) == 500
    assert startable_length(7, [], {}) == 7  # nothing readable: the seed's rule, as before
    assert startable_length(0, [], {}) == 0


def test_paused_sites_do_not_count_and_the_dry_run_says_why(redis_client, settings, tmp_path):
    from downloads_app.scaling import plan

    settings.YTARCHIVE = {**settings.YTARCHIVE, "WORKERS_PER_QUEUE": 1, "MAX_WORKERS": 10}
    _queue(["https://www.youtube.com/watch?v=a", "https://youtu.be/b", "https://m.youtube.com/watch?v=c",
            "http://127.0.0.1:9/watch/d", "http://127.0.0.1:9/watch/e"])
    first = plan(redis_client)
    assert (first.queue_length, first.startable, first.desired) == (5, 5, 5)
    egress_state.trip(redis_client, "youtube.com", "direct", "Sign in to confirm you're not a bot", 600)
    blocked = plan(redis_client)
    assert (blocked.startable, blocked.desired) == (2, 2)
    assert blocked.sites["youtube.com"][:2] == (3, False) and "paused" in blocked.sites["youtube.com"][2]
    text = "\n".join(blocked.lines())
    assert "youtube.com: 3 of the next queued; does not count: every identity (1) paused" in text
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "YTARCHIVE_MAX_WORKERS": "10",
           "YTARCHIVE_WORKERS_PER_QUEUE": "1", "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
           "YTARCHIVE_K8S_JOB_TEMPLATE": "/nonexistent.yaml"}
    done = subprocess.run([sys.executable, "manage.py", "reconcile_workers", "--dry-run"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "5 download(s); 2 can start now" in done.stderr and "does not count" in done.stderr
    assert done.stdout.count("kind: Job") == 2
    egress_state.trip(redis_client, "127.0.0.1", "direct", "HTTP Error 429", 600)
    assert plan(redis_client).desired == 0  # every identity of every queued site paused: start nothing


def test_a_spent_budget_does_not_count_either(redis_client, settings):
    from archiver.budgets import parse_site_rates
    from downloads_app.scaling import plan

    settings.YTARCHIVE = {**settings.YTARCHIVE, "SITE_RATES": parse_site_rates("127.0.0.1=2/1h")}
    _queue(["http://127.0.0.1:9/watch/d"])
    assert plan(redis_client).startable == 1
    for n in range(2):
        egress_state.try_start(redis_client, "video", "127.0.0.1", "direct", 2, 3600, f"s{n}")
        egress_state.confirm_start(redis_client, "video", "127.0.0.1", "direct", f"s{n}")
    spent = plan(redis_client)
    assert spent.startable == 0 and "spent their budget" in spent.sites["127.0.0.1"][2]
