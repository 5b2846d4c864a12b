"""archiver.deadline: when a worker with a deadline starts a download; and the download folder's claim."""
from __future__ import annotations

import pytest

from archiver import tree
from archiver.deadline import Deadline, Pace
from archiver.messages import DownloadRequest


def test_a_download_starts_only_when_the_time_left_covers_it():
    job = Deadline(seconds=3600, started=0.0, grace=20)
    assert job.remaining(now=0.0) == 3580
    assert job.may_start(600, now=2900)  # 680 s left for 600 s of work
    assert not job.may_start(600, now=3000)  # 580 s left
    assert job.may_start(0, now=3570)  # unknown duration: starts while any time is left
    assert not job.may_start(0, now=3590)  # past the deadline less the grace


def test_a_video_longer_than_any_job_still_starts_in_a_fresh_one():
    job = Deadline(seconds=3600, started=0.0, grace=20)
    four_hours = 4 * 3600.0
    assert job.may_start(four_hours, now=60)  # needs no more than half a Job: it resumes in the next
    assert not job.may_start(four_hours, now=1800)


def test_the_pace_follows_finished_downloads_and_a_resumed_one_needs_less():
    pace = Pace(0.5)
    assert pace.expected(600) == 300
    assert pace.expected(600, done_fraction=0.75) == 75
    assert pace.expected(0) == 0
    for _ in range(30):
        pace.observe(download_seconds=60, video_seconds=600)  # 0.1 s per second of video
    assert pace.value == pytest.approx(0.1, abs=0.01)
    pace.observe(download_seconds=10, video_seconds=0)  # nothing known: nothing learnt
    assert pace.value == pytest.approx(0.1, abs=0.01)


def test_an_older_message_without_duration_still_parses():
    request = DownloadRequest.from_dict({"video_pk": 1, "channel_id": "c", "video_id": "v", "url": "http://x/v",
                                         "attempt": 1, "options": {"format": "best", "socket_timeout": 5.0,
                                                                   "http_retries": 0, "rate_limit": 0}})
    assert request.duration == 0.0
    assert DownloadRequest.from_dict({**request.as_dict(), "duration": 3600}).duration == 3600.0


def test_the_download_folder_is_found_by_the_next_holder_and_owned_by_it(tmp_path):
    base = tree.resume_dir(tmp_path, "chan", "vid-1")
    assert base.name == ".tmp-vid-1.resume" and tree.temp_dir_owner(base) == ("chan", "vid-1")
    mine, held = tree.claim_download_dir(tmp_path, "chan", "vid-1", "holdera")
    assert (mine, held) == (base / "holdera", 0)
    (mine / "video.mp4.part").write_bytes(b"x" * 100)
    (base / "holderb").mkdir()
    (base / "holderb" / "video.mp4.part").write_bytes(b"y" * 10)
    theirs, held = tree.claim_download_dir(tmp_path, "chan", "vid-1", "holderc")
    assert theirs == base / "holderc" and held == 100 and (theirs / "video.mp4.part").read_bytes() == b"x" * 100
    assert sorted(p.name for p in base.iterdir()) == ["holderc"]  # the smaller leftover went
    assert tree.find_temp_paths(tmp_path) == [base]
    tree.drop_download_dir(tmp_path, "chan", "vid-1")
    assert not base.exists()
    # An import's folder keeps its old name, and its owner is still read from it.
    assert tree.temp_dir_owner(tmp_path / "chan" / "videos" / ".tmp-vid-1-abc123") == ("chan", "vid-1")
