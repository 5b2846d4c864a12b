"""An import runs in slices under a lease (channels_app.slices): each slice adopts what fits in
YTARCHIVE_SLICE_SECONDS, saves the job's result so far (its cursor) and sends the next slice as a real
message; a second copy of the task while one runs returns without touching anything. On a folder made by
the real yt-dlp CLI from the fixture site; Redis is the real server."""
from __future__ import annotations

import pytest

from archiver.state import task_leases
from channels_app.models import Channel, ImportJob, Video
from channels_app.slices import HELD
from channels_app.tasks import run_import
from tests.integration.test_import import ytdlp_folder
from tests.unit.test_lanes import _queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(fixture_site, tmp_path_factory, settings, tmp_path):
    fixture_site.slow_rate = 10 * 1024 * 1024
    source = ytdlp_folder(f"{fixture_site.base_url}/channel/chan-slow/videos", tmp_path_factory.mktemp("ytdlp"),
                          "--write-info-json")
    settings.ARCHIVE_ROOT = tmp_path / "archive"
    settings.YTARCHIVE = {**settings.YTARCHIVE, "IMPORT_ROOT": source.parent, "SLICE_SECONDS": 0.0001}
    channel = Channel.objects.create(id="fixturesite-chan-slow", url="http://127.0.0.1/channel/chan-slow",
                                     raw_id="chan-slow", extractor="FixtureSiteChannel")
    return ImportJob.objects.create(channel=channel, path=str(source), mode="link")


def test_an_import_goes_on_slice_by_slice_and_adopts_each_video_once(job, redis_client):
    run_import(job.pk)  # each slice: one video (the deadline is past once the first is done)
    job.refresh_from_db()
    assert job.status == "running" and len(job.result["adopted"]) == 1, job.result
    assert _queued(redis_client, "maintenance") == [("channels_app.tasks.run_import", {"job_id": job.pk})]
    for _ in range(5):
        redis_client.delete("maintenance")
        run_import(job.pk)
        job.refresh_from_db()
        if job.status != "running":
            break
    assert job.status == "succeeded", (job.status, job.error)
    adopted = [v["video_id"] for v in job.result["adopted"]]
    assert len(adopted) == len(set(adopted)) == 3 and job.result["skipped"] == []  # none twice, none "skipped"
    assert set(Video.objects.filter(status="archived").values_list("video_id", flat=True)) == set(adopted)
    assert redis_client.llen("maintenance") == 0  # the last slice sends nothing more
    run_import(job.pk)  # a late redelivery of a finished job: nothing happens
    job.refresh_from_db()
    assert job.status == "succeeded" and len(job.result["adopted"]) == 3


def test_a_second_copy_of_an_import_returns_without_working_while_the_first_runs(job, redis_client):
    with task_leases.held(redis_client, f"import-{job.pk}", 30) as first:
        assert first is not None
        assert run_import(job.pk) == HELD
        job.refresh_from_db()
        assert job.status == "queued" and job.result == {}
        assert Video.objects.count() == 0 and redis_client.llen("maintenance") == 0
    run_import(job.pk)
    job.refresh_from_db()
    assert job.status == "running" and len(job.result["adopted"]) == 1  # once free, it works
