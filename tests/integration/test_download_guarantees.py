"""The download guarantees, exercised in-process with real yt-dlp, real Redis and real files:
one download per video at a time, archived videos untouched, a full disk is a transient failure
that damages nothing, dead downloads are requeued and their leftovers swept, and an interrupted
first index is finished by the next sync."""
from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.test import override_settings

from archiver import tree
from archiver.download import archive_video
from archiver.messages import DownloadOptions, DownloadRequest
from archiver.state import broker_queue, download_locks, outcome_outbox, video_states
from tests.fixture_site import catalog
from tests.fixture_site.media import mp4_path
from tests.harness import wait_for

pytestmark = pytest.mark.integration


def message(site, video_id: str, channel_id: str = "fixturesite-chan-main", pk: int = 1) -> DownloadRequest:
    return DownloadRequest(video_pk=pk, channel_id=channel_id, video_id=video_id, attempt=1,
                           url=f"{site.base_url}/watch/{video_id}",
                           options=DownloadOptions(format="bestvideo*+bestaudio/best", socket_timeout=5,
                                                   http_retries=0))


def test_two_workers_never_download_one_video_at_once(fixture_site, redis_client, tmp_path):
    fixture_site.reset()
    fixture_site.slow_rate = 400 * 1024
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        barrier.wait()
        outcomes.append(archive_video(message(fixture_site, catalog.SLOW_ID, "fixturesite-chan-slow"),
                                      tmp_path, redis_client, lease_seconds=10))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(o.status for o in outcomes) == ["archived", "busy"]
    assert fixture_site.request_count(f"/media/{catalog.SLOW_ID}.mp4") == 1
    assert not redis_client.exists(download_locks.lock_key("fixturesite-chan-slow", catalog.SLOW_ID))


def test_archived_video_is_never_touched_again(fixture_site, fixture_media, redis_client, tmp_path):
    first = archive_video(message(fixture_site, "vid-main-01"), tmp_path, redis_client, lease_seconds=10)
    assert first.status == "archived" and first.video_file == "video.mp4"
    folder = tree.video_dir(tmp_path, "fixturesite-chan-main", "vid-main-01")
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*")}
    fixture_site.reset()
    again = archive_video(message(fixture_site, "vid-main-01"), tmp_path, redis_client, lease_seconds=10)
    assert again.status == "archived" and again.already
    assert fixture_site.request_counts() == {}
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*")} == before
    assert (folder / "video.mp4").read_bytes() == mp4_path(Path(fixture_media["media_dir"]), "vid-main-01").read_bytes()


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs: a real full disk (root ignores permissions, so only a real one will do)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_is_a_transient_failure_that_damages_nothing(fixture_site, redis_client, small_disk):
    archived = archive_video(message(fixture_site, "vid-main-02"), small_disk, redis_client, lease_seconds=10)
    assert archived.status == "archived"
    folder = tree.video_dir(small_disk, "fixturesite-chan-main", "vid-main-02")
    kept = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    filler = small_disk / "filler"
    with open(filler, "wb") as fh:  # fill the disk to the last block
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
    outcome = archive_video(message(fixture_site, "vid-main-03"), small_disk, redis_client, lease_seconds=10)
    assert outcome.status == "failed" and outcome.kind == "transient", outcome
    assert "No space left" in outcome.reason or "Errno 28" in outcome.reason
    assert not tree.video_dir(small_disk, "fixturesite-chan-main", "vid-main-03").exists()
    assert tree.find_partial_files(small_disk) == []
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == kept
    with override_settings(ARCHIVE_ROOT=small_disk):
        from django.test import Client

        response = Client().get("/ready")
    assert response.status_code == 503 and response.json()["checks"]["archive"] == "error: low on space"
    # Read-only (a volume remounted after an error): the same clear, transient failure.
    filler.unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    outcome = archive_video(message(fixture_site, "vid-main-03"), small_disk, redis_client, lease_seconds=10)
    assert outcome.status == "failed" and outcome.kind == "transient" and "Read-only" in outcome.reason, outcome
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == kept
    with override_settings(ARCHIVE_ROOT=small_disk):
        response = Client().get("/ready")
    assert response.status_code == 503 and "not writable" in response.json()["checks"]["archive"]


@pytest.mark.django_db
def test_ready_names_the_failing_part_and_keeps_details_for_staff(tmp_path):
    from django.contrib.auth.models import User
    from django.test import Client

    with override_settings(ARCHIVE_ROOT=tmp_path / "nowhere", REDIS_URL="redis://127.0.0.1:1/0"):
        anonymous = Client().get("/ready")
        staff = Client()
        staff.force_login(User.objects.create_user("ops", is_staff=True))
        detailed = staff.get("/ready")
    assert anonymous.status_code == 503
    assert anonymous.json()["checks"] == {"database": "ok", "redis": "error: unreachable",
                                          "archive": "error: missing"}
    assert str(tmp_path) not in anonymous.content.decode() and "127.0.0.1" not in anonymous.content.decode()
    assert detailed.status_code == 503
    assert "does not exist" in detailed.json()["checks"]["archive"]
    assert "ConnectionError" in detailed.json()["checks"]["redis"]


@pytest.mark.django_db
def test_expired_lease_is_requeued_and_leftovers_swept(fixture_site, redis_client, tmp_path, settings):
    from django.utils import timezone

    from channels_app.models import Video
    from channels_app.services import add_channel
    from downloads_app import feeder, reliability

    settings.ARCHIVE_ROOT = tmp_path
    channel = add_channel(f"{fixture_site.base_url}/@fixtureslow")
    video = Video.objects.create(channel=channel, video_id="vid-slow", raw_id="vid-slow",
                                 url=f"{fixture_site.base_url}/watch/vid-slow", status=Video.Status.QUEUED,
                                 fed_at=timezone.now())
    # A worker claimed it, started writing, and died: its lock is never renewed.
    assert download_locks.acquire_lock(redis_client, channel.id, "vid-slow", "dead-worker", lease_seconds=0.5)
    orphan = tree.make_temp_video_dir(tmp_path, channel.id, "vid-slow")
    (orphan / "video.mp4.part").write_bytes(b"half")
    queued_before = broker_queue.queue_length(redis_client)
    assert reliability.requeue_expired_leases() == 0  # the lease is still live
    wait_for(lambda: download_locks.expired_leases(redis_client), 5, "the lease to expire")
    assert reliability.requeue_expired_leases() == 1
    assert Video.objects.get(pk=video.pk).fed_at is None  # back in the backlog: the feeder sends it anew
    assert feeder.feed()["fed"] == 1
    assert broker_queue.queue_length(redis_client) == queued_before + 1
    assert video_states.video_states(redis_client, channel.id)["vid-slow"] == "queued"
    assert reliability.requeue_expired_leases() == 0  # requeued once, not on every pass
    # A live download's temp folder is kept; the dead one's goes once it is old enough.
    live = tree.make_temp_video_dir(tmp_path, channel.id, "vid-slowchan-01")
    assert download_locks.acquire_lock(redis_client, channel.id, "vid-slowchan-01", "live-worker", lease_seconds=30)
    old = time.time() - 3600
    for path in (orphan, live):
        os.utime(path, (old, old))
    removed = reliability.sweep_temp_dirs()
    assert removed == [str(orphan)]
    assert live.is_dir() and not orphan.exists()
    video.refresh_from_db()
    assert video.status == Video.Status.QUEUED


@pytest.mark.django_db
def test_interrupted_first_index_is_finished_by_the_next_incremental_sync(fixture_site, redis_client, tmp_path,
                                                                          settings):
    from channels_app.models import Channel, Video
    from channels_app.services import add_channel, request_sync
    from channels_app.sync import run_sync

    settings.ARCHIVE_ROOT = tmp_path
    settings.YTARCHIVE = {**settings.YTARCHIVE, "LISTING_BATCH": 50}
    channel = add_channel(f"{fixture_site.base_url}/channel/chan-big-300")
    # A first index that died after its first page: the newest videos are known, the rest not.
    Video.objects.bulk_create([Video(channel=channel, video_id=f"big-300-{i:05d}", raw_id=f"big-300-{i:05d}",
                                     url="x") for i in range(1, 51)])
    job = run_sync(request_sync(channel, full=False).pk)
    assert job.status == "succeeded" and job.videos_seen == 300 and job.videos_new == 250
    channel.refresh_from_db()
    assert channel.last_full_index_at is not None
    # Now a full index has completed: the next incremental sync stops at the first known video,
    # reading a handful of entries, not a whole batch.
    job = run_sync(request_sync(Channel.objects.get(pk=channel.pk), full=False).pk)
    assert job.status == "succeeded" and job.videos_seen == 1 and job.videos_new == 0


@pytest.mark.django_db
def test_outcome_in_the_outbox_is_applied_even_if_its_message_is_lost(fixture_site, redis_client):
    from archiver.messages import DownloadReport
    from archiver.vocabulary import FailureKind, OutcomeStatus
    from channels_app.models import Video
    from channels_app.services import add_channel
    from downloads_app import reliability

    channel = add_channel(f"{fixture_site.base_url}/@fixtureslow")
    done = Video.objects.create(channel=channel, video_id="a", raw_id="a", url="x", status=Video.Status.QUEUED)
    broken = Video.objects.create(channel=channel, video_id="b", raw_id="b", url="x", status=Video.Status.QUEUED)
    # Workers reported these, but the control worker died holding the messages.
    reports = [
        DownloadReport(video_pk=done.pk, channel_id=channel.id, video_id="a", attempt=1,
                       status=OutcomeStatus.ARCHIVED, video_file="video.mp4"),
        DownloadReport(video_pk=broken.pk, channel_id=channel.id, video_id="b", attempt=1,
                       status=OutcomeStatus.FAILED, kind=FailureKind.PERMANENT, reason="HTTP Error 404"),
    ]
    for report in reports:
        outcome_outbox.save_outcome(redis_client, report.video_pk, report.as_dict())
    reliability.reconcile()
    done.refresh_from_db()
    broken.refresh_from_db()
    assert done.status == "archived" and done.video_file == "video.mp4"
    assert broken.status == "failed" and broken.last_error == "HTTP Error 404" and broken.attempts == 1
    assert outcome_outbox.pending_outcomes(redis_client) == []


@pytest.mark.django_db
def test_downloads_queued_for_a_deleted_channel_are_dropped(fixture_site, redis_client, tmp_path, settings):
    from channels_app.services import add_channel, delete_channel

    settings.ARCHIVE_ROOT = tmp_path
    channel = add_channel(f"{fixture_site.base_url}/channel/chan-main")
    delete_channel(channel, delete_files=True)
    fixture_site.reset()
    outcome = archive_video(message(fixture_site, "vid-main-04"), tmp_path, redis_client, lease_seconds=10)
    assert outcome.status == "cancelled"
    assert not (tmp_path / "fixturesite-chan-main").exists()  # the deleted folder is not recreated
    assert fixture_site.request_counts() == {}
    add_channel(f"{fixture_site.base_url}/channel/chan-main")  # added again: downloads run again
    assert archive_video(message(fixture_site, "vid-main-04"), tmp_path, redis_client, 10).status == "archived"


@pytest.mark.django_db
def test_a_queued_video_whose_message_was_lost_is_sent_again(fixture_site, redis_client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from channels_app.models import Video
    from channels_app.services import add_channel
    from downloads_app import feeder, reliability

    channel = add_channel(f"{fixture_site.base_url}/@fixtureslow")
    old = timezone.now() - timedelta(hours=1)
    lost = Video.objects.create(channel=channel, video_id="lost", raw_id="lost", url="x", status="queued",
                                queued_at=old, fed_at=old)
    Video.objects.create(channel=channel, video_id="busy", raw_id="busy", url="x", status="queued", queued_at=old,
                         fed_at=old)
    assert download_locks.acquire_lock(redis_client, channel.id, "busy", "live-worker", lease_seconds=30)
    assert reliability.requeue_lost_messages() == 1  # the locked one is running, not lost
    assert Video.objects.get(pk=lost.pk).fed_at is None  # out of the window, back in the backlog
    assert feeder.feed()["fed"] == 1  # sent again by the feeder
    assert broker_queue.queue_length(redis_client) == 1
    assert reliability.requeue_lost_messages() == 0  # the queue holds work again: nothing is presumed lost
    lost.refresh_from_db()
    assert lost.status == "queued" and lost.fed_at > old
