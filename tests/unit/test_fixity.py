"""Fixity's pure parts: the manifest, what verify finds, and the read throttle (a fake clock)."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from archiver import fixity, tree


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "subtitles").mkdir()
    (tmp_path / "video.mp4").write_bytes(b"m" * 300_000)
    (tmp_path / "thumbnail.jpg").write_bytes(b"\xff\xd8jpeg")
    (tmp_path / "subtitles" / "en.vtt").write_text("WEBVTT\n")
    (tmp_path / "video.nfo").write_text("<episodedetails/>")
    fixity.write_manifest(tmp_path)
    return tmp_path


def test_the_manifest_is_sha256sum_format_over_everything_but_itself_and_the_nfo(folder):
    lines = tree.checksums_file(folder).read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["subtitles/en.vtt", "thumbnail.jpg", "video.mp4"]
    assert all(len(line.split("  ")[0]) == 64 for line in lines)
    assert fixity.verify(folder).ok


def test_verify_names_what_is_missing_changed_or_unexpected(folder):
    (folder / "thumbnail.jpg").unlink()
    (folder / "subtitles" / "en.vtt").write_text("WEBVTT\nchanged\n")
    (folder / "extra.bin").write_bytes(b"x")
    (folder / "video.nfo").write_text("<episodedetails>rewritten</episodedetails>")  # derived: not covered
    report = fixity.verify(folder)
    assert report.problems() == ["missing: thumbnail.jpg", "changed: subtitles/en.vtt", "unexpected: extra.bin"]
    tree.checksums_file(folder).unlink()
    assert fixity.verify(folder).problems() == ["missing: checksums.sha256"]


def test_the_throttle_keeps_the_average_rate_under_its_limit():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    throttle = fixity.Throttle(1_000_000, clock=lambda: now[0], sleep=sleep)
    for _ in range(10):
        throttle.read(500_000)
    assert now[0] == pytest.approx(5.0)  # 5 MB at 1 MB/s
    unlimited = fixity.Throttle(0, clock=lambda: 0.0, sleep=lambda s: pytest.fail("slept"))
    unlimited.read(10**9)


def test_hashing_real_files_honours_the_limit(folder):
    throttle = fixity.Throttle(1_000_000)
    started = time.monotonic()
    report = fixity.verify(folder, throttle)
    assert report.ok and report.bytes_read > 300_000
    assert time.monotonic() - started >= report.bytes_read / 1_000_000 * 0.9


@pytest.mark.django_db
def test_the_scheduled_round_checks_its_share_oldest_first(settings, tmp_path):
    from archiver import tree
    from channels_app.fixity_checks import scheduled_round
    from channels_app.models import Channel, Video

    settings.ARCHIVE_ROOT = tmp_path
    settings.YTARCHIVE = {**settings.YTARCHIVE, "FIXITY_DAYS": 1, "FIXITY_BYTES_PER_SECOND": 0}
    channel = Channel.objects.create(id="c", url="https://example.org/c")
    now = timezone.now()
    for n in range(48):  # a day's worth of rounds: 2 a round
        Video.objects.create(channel=channel, video_id=f"v{n:02d}", raw_id=f"v{n}", url="u", status="archived",
                             fixity_status="ok", fixity_checked_at=now - timedelta(days=2, minutes=n))
        folder = tree.video_dir(tmp_path, "c", f"v{n:02d}")
        folder.mkdir(parents=True)
        (folder / "video.mp4").write_bytes(b"x")
        fixity.write_manifest(folder)
    (tree.video_dir(tmp_path, "c", "v47") / "video.mp4").write_bytes(b"y")
    assert scheduled_round(now) == {"ok": 1, "damaged": 1}  # v47 and v46: checked longest ago
    checked = set(Video.objects.filter(fixity_checked_at__gte=now).values_list("video_id", flat=True))
    assert checked == {"v47", "v46"}
    assert Video.objects.get(video_id="v47").fixity_problems == ["changed: video.mp4"]


@pytest.mark.django_db
def test_the_scheduled_round_reads_no_faster_than_its_limit(settings, tmp_path):
    from archiver import tree
    from channels_app.fixity_checks import scheduled_round
    from channels_app.models import Channel, Video

    settings.ARCHIVE_ROOT = tmp_path
    settings.YTARCHIVE = {**settings.YTARCHIVE, "FIXITY_DAYS": 1 / 24, "FIXITY_BYTES_PER_SECOND": 2_000_000}
    channel = Channel.objects.create(id="c", url="https://example.org/c")
    for n in range(3):
        Video.objects.create(channel=channel, video_id=f"v{n}", raw_id=f"v{n}", url="u", status="archived")
        folder = tree.video_dir(tmp_path, "c", f"v{n}")
        folder.mkdir(parents=True)
        (folder / "video.mp4").write_bytes(bytes(400_000))
        fixity.write_manifest(folder)
    started = time.monotonic()
    assert scheduled_round() == {"ok": 3, "damaged": 0}  # a one-hour period: all of it this round
    assert time.monotonic() - started >= 1_200_000 / 2_000_000 * 0.9  # 1.2 MB at 2 MB/s
