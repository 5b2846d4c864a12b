"""The local scaler starts a worker as soon as downloads are queued, not at its next look at the queue.

Queueing downloads sends ``reconcile_workers`` to the control side, which wakes ``run_scaler``
through Redis (``worker_presence.wake_scaler``). Here the scaler's own interval is five minutes: only the
wake-up can make it start a worker within the test's time.
"""
from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import pytest
from django.test import override_settings

from archiver.state import store, worker_presence
from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import REPO, wait_for

pytestmark = pytest.mark.integration


def test_a_wait_ends_when_woken_at_its_interval_or_when_stopped(redis_client):
    from downloads_app.management.commands.run_scaler import wait_for_wake

    stop = threading.Event()
    started = time.monotonic()
    wait_for_wake(stop, 0.3)  # nobody wakes it: the interval
    assert 0.25 <= time.monotonic() - started < 5
    worker_presence.wake_scaler(redis_client)
    worker_presence.wake_scaler(redis_client)  # two wake-ups before it looks are one
    assert redis_client.llen(worker_presence.scaler_wake_key()) == 1
    started = time.monotonic()
    wait_for_wake(stop, 300)
    assert time.monotonic() - started < 5
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    wait_for_wake(stop, 300)  # stopped: back within one blocking read
    assert time.monotonic() - started < 5


@pytest.mark.django_db
def test_reconcile_wakes_the_local_scaler_only_when_work_is_queued(redis_client):
    from channels_app.models import Channel, Video
    from downloads_app.scaling import reconcile

    with override_settings(YTARCHIVE={**_settings(), "SCALER": "local"}):
        reconcile()
        assert redis_client.llen(worker_presence.scaler_wake_key()) == 0, "nothing queued: nothing to wake for"
        channel = Channel.objects.create(id="w", url="http://127.0.0.1:9/c", source_url="x", extractor="x", raw_id="w")
        Video.objects.create(channel=channel, video_id="v", raw_id="v", url="http://127.0.0.1:9/v", status="queued")
        reconcile()
        assert redis_client.llen(worker_presence.scaler_wake_key()) == 1


def _settings() -> dict:
    from django.conf import settings

    return dict(settings.YTARCHIVE)


def test_queued_downloads_start_a_worker_long_before_the_scalers_interval(redis_server, tmp_path):
    url = redis_server.url.rsplit("/", 1)[0] + "/6"
    r = store.connect(url)
    r.flushdb()
    env = plugin_env()
    env.update({"REDIS_URL": url, "YTARCHIVE_SCALER": "local", "YTARCHIVE_SCALE_INTERVAL_SECONDS": "300",
                "YTARCHIVE_MAX_WORKERS": "1", "YTARCHIVE_WORKER_IDLE_SECONDS": "60", "DATA_DIR": str(tmp_path),
                "ARCHIVE_ROOT": str(tmp_path / "archive")})
    # The scaler reads the backlog from the database (downloads_app.feeder): one of its own.
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True, timeout=300)
    log_path = tmp_path / "scaler.log"
    with open(log_path, "wb") as log:
        scaler = subprocess.Popen([sys.executable, "manage.py", "run_scaler"], cwd=REPO, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "queue=0 desired=0 running=0" in log_path.read_text(), 60, "the scaler's first look")
        queue_one = ("from channels_app.models import Channel, Video; "
                     "c = Channel.objects.create(id='wake', url='http://127.0.0.1:9/c', source_url='x', "
                     "extractor='generic', raw_id='wake'); "
                     "Video.objects.create(channel=c, video_id='v', raw_id='v', url='http://127.0.0.1:9/v', "
                     "status='queued')")
        subprocess.run([sys.executable, "manage.py", "shell", "-c", queue_one], cwd=REPO, env=env, check=True,
                       timeout=120)
        woken = time.monotonic()
        worker_presence.wake_scaler(r)  # what reconcile_workers does on the control side
        wait_for(lambda: "started download worker" in log_path.read_text(), 30, "a worker started on the wake-up")
        assert time.monotonic() - woken < 30 < 300
    finally:
        scaler.send_signal(signal.SIGTERM)
        try:
            scaler.wait(timeout=60)
        except subprocess.TimeoutExpired:
            scaler.kill()
            scaler.wait()
    assert "local scaler stopping its 1 worker(s)" in log_path.read_text()
