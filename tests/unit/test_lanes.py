"""The control plane in lanes (config.lanes): routes, expiring beat entries, one worker per lane, and long
maintenance in slices under a lease (real redis-server; the next slice is a real message in the broker)."""
from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from celery import current_app
from django.conf import settings as django_settings

from archiver.state import task_leases
from config import lanes
from config.launch import expand_names, lane_workers
from tests.harness import REPO


def _our_tasks() -> set[str]:
    current_app.loader.import_default_modules()
    return {name for name in current_app.tasks if name.startswith(("channels_app.", "downloads_app."))}


def test_every_task_has_a_lane_on_purpose_and_the_routes_follow_it():
    tasks = _our_tasks()
    assert tasks, "no task found"
    assert tasks <= set(lanes.TASK_LANES), f"tasks with no lane in config.lanes: {tasks - set(lanes.TASK_LANES)}"
    router = current_app.amqp.router
    for name in tasks:
        assert router.route({}, name)["queue"].name == lanes.lane_of(name), name
    assert router.route({}, "downloads_app.tasks.download_video")["queue"].name == "downloads"
    assert router.route({}, "downloads_app.tasks.record_download_outcome")["queue"].name == "outcomes"
    assert router.route({}, "channels_app.tasks.fixity_round")["queue"].name == "maintenance"
    assert router.route({}, "downloads_app.tasks.reconcile_workers")["queue"].name == "scaling"
    assert router.route({}, "channels_app.tasks.sync_channel")["queue"].name == "syncs"


def test_no_sender_names_the_old_control_queue():
    found = subprocess.run(["grep", "-rn", "--include=*.py", 'queue="control"', "archiver", "channels_app",
                            "downloads_app", "config"], cwd=REPO, capture_output=True, text=True).stdout
    assert found == "", found


def test_every_periodic_task_expires_within_its_interval():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert {"reconcile-leases", "reconcile-syncs", "housekeeping", "reconcile-workers", "notify"} <= set(schedule)
    for name, entry in schedule.items():
        expires = entry["options"]["expire_seconds"]
        assert 1 <= expires <= max(1, entry["schedule"]), (name, entry)


@pytest.mark.django_db
def test_beat_sends_the_expiry_with_each_run():
    from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

    for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items():
        model_entry = ModelEntry.from_entry(name, app=current_app, **entry)
        assert model_entry.options["expires"] == entry["options"]["expire_seconds"], name
        assert model_entry.options.get("queue") is None, name  # the routes decide, not the entry
    assert DatabaseScheduler  # the scheduler make run and the chart use


@pytest.mark.django_db
def test_a_channels_scheduled_sync_expires_within_its_interval():
    from channels_app.models import Channel
    from channels_app.schedules import ensure_schedule

    channel = Channel.objects.create(id="lanes-c", url="https://example.org/c", sync_interval_hours=6)
    task = ensure_schedule(channel)
    assert task.expire_seconds == task.interval.every == 6 * 3600


def test_one_worker_per_lane_each_on_its_queues_with_its_slots():
    workers = lane_workers("celery -A config", {"syncs": 2, "outcomes": 3, "maintenance": 1, "scaling": 1})
    assert set(workers) == {"syncs", "outcomes", "maintenance", "scaling"}
    assert "-Q syncs " in workers["syncs"] and "-P prefork -c 2" in workers["syncs"]
    assert "-Q outcomes,control " in workers["outcomes"] and "-P threads -c 3" in workers["outcomes"]
    assert "-Q maintenance " in workers["maintenance"] and "-P solo" in workers["maintenance"]
    assert "-Q scaling " in workers["scaling"] and "-P solo" in workers["scaling"]
    assert len({w.split(" -n ")[1].split()[0] for w in workers.values()}) == 4  # each its own node name
    assert expand_names(["web", "control"]) == ["web", "syncs", "outcomes", "maintenance", "scaling"]


@pytest.mark.parametrize("value", ["0", "two", "65"])
def test_a_bad_lane_concurrency_is_refused_by_name(value):
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=REPO, capture_output=True,
                            text=True, env={**_env(), "YTARCHIVE_OUTCOMES_CONCURRENCY": value}, timeout=60)
    assert result.returncode != 0
    assert "YTARCHIVE_OUTCOMES_CONCURRENCY" in result.stderr, result.stderr[-2000:]


def _env() -> dict:
    import os

    return {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}


def test_a_task_lease_is_held_once_renewed_and_released(redis_client):
    first = task_leases.take(redis_client, "t", 0.6)
    assert first is not None
    assert task_leases.take(redis_client, "t", 0.6) is None  # a second copy
    import time

    time.sleep(1.5)  # past two lease lengths: the keeper renewed it
    assert task_leases.holder(redis_client, "t") == first.token and not first.lost
    first.release()
    assert task_leases.holder(redis_client, "t") is None
    again = task_leases.take(redis_client, "t", 0.6)
    assert again is not None
    again.release()


def _archived_videos(tmp_path, count):
    from archiver import fixity, tree
    from channels_app.models import Channel, Video

    channel = Channel.objects.create(id="c", url="https://example.org/c")
    for n in range(count):
        Video.objects.create(channel=channel, video_id=f"v{n}", raw_id=f"v{n}", url="u", status="archived")
        folder = tree.video_dir(tmp_path, "c", f"v{n}")
        folder.mkdir(parents=True)
        (folder / "video.mp4").write_bytes(bytes(1000))
        fixity.write_manifest(folder)


def _queued(redis_client, queue: str) -> list[tuple[str, dict]]:
    """(task name, kwargs) of the messages waiting in ``queue``, as the broker keeps them."""
    found = []
    for raw in redis_client.lrange(queue, 0, -1):
        message = json.loads(raw)
        body = message["body"]
        if message["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        found.append((message["headers"]["task"], json.loads(body)[1]))
    return found


@pytest.mark.django_db
def test_a_fixity_round_runs_in_slices_each_sending_the_rest(settings, tmp_path, redis_client):
    from channels_app.models import Video
    from channels_app.tasks import fixity_round

    settings.ARCHIVE_ROOT = tmp_path
    settings.YTARCHIVE = {**settings.YTARCHIVE, "FIXITY_DAYS": 1 / 24, "FIXITY_BYTES_PER_SECOND": 0,
                          "SLICE_SECONDS": 0.0001}  # each slice: one video
    _archived_videos(tmp_path, 3)
    assert fixity_round() == {"ok": 1, "damaged": 0}
    assert Video.objects.filter(fixity_checked_at__isnull=False).count() == 1  # the cursor is in the rows
    assert _queued(redis_client, "maintenance") == [("channels_app.tasks.fixity_round", {"remaining": 2})]
    redis_client.delete("maintenance")
    assert fixity_round(remaining=2) == {"ok": 1, "damaged": 0}
    assert fixity_round(remaining=1) == {"ok": 1, "damaged": 0}
    assert Video.objects.filter(fixity_checked_at__isnull=True).count() == 0
    assert _queued(redis_client, "maintenance") == [("channels_app.tasks.fixity_round", {"remaining": 1})]


@pytest.mark.django_db
def test_a_redelivered_fixity_round_returns_without_working_while_the_first_runs(settings, tmp_path, redis_client):
    from channels_app.models import Video
    from channels_app.slices import HELD
    from channels_app.tasks import fixity_round, verify_channel

    settings.ARCHIVE_ROOT = tmp_path
    settings.YTARCHIVE = {**settings.YTARCHIVE, "FIXITY_DAYS": 1 / 24, "FIXITY_BYTES_PER_SECOND": 0}
    _archived_videos(tmp_path, 2)
    with task_leases.held(redis_client, "fixity-round", 30) as first:  # the first copy, still running
        assert first is not None
        assert fixity_round() == HELD
        assert Video.objects.filter(fixity_checked_at__isnull=False).count() == 0
    with task_leases.held(redis_client, "fixity-channel-c", 30):
        assert verify_channel("c") == HELD
    assert Video.objects.filter(fixity_checked_at__isnull=False).count() == 0
    assert fixity_round() == {"ok": 2, "damaged": 0}  # once the lease is free, the work is done
    assert verify_channel("c") == {"ok": 2, "damaged": 0}


def test_supervisord_groups_the_lane_workers_as_control(tmp_path):
    from config.launch import supervisord_conf

    procs = {"web": "gunicorn x", **lane_workers("celery -A config", {})}
    conf = supervisord_conf(procs, tmp_path, REPO, grace_seconds=20)
    assert "[group:control]\nprograms=syncs,outcomes,maintenance,scaling\n" in conf
    assert all(f"[program:{lane}]" in conf for lane in lanes.LANES)
    # supervisord expands %(...)s and %%: the node name reaches Celery as "syncs@%h" (Celery's own host name).
    assert "-n syncs@%%h" in conf
