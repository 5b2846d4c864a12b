"""What keeps the catalog's pages O(page) (issue 21, items 6 and 7): counts kept with every change of a
video, listing batches written in a few statements, view counts as a bounded series, the history's prune,
descriptions stored with the outcome, and the early stop only where a listing is newest first."""
from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from archiver import tree
from archiver.messages import DownloadReport
from archiver.vocabulary import FailureKind, OutcomeStatus
from archiver.ytdlp import listing
from channels_app import description_backfill, history, history_prune, sync, view_series
from channels_app.models import Channel, StatusCount, Video, VideoChange
from downloads_app.outcomes import record_outcome

pytestmark = pytest.mark.django_db


def _channel(cid: str) -> Channel:
    return Channel.objects.create(id=cid, url=f"https://example.org/{cid}", source_url="x", extractor="x", raw_id=cid)


def _entries(n: int, views: int) -> list[listing.Entry]:
    return [listing.Entry(video_id=f"v{i:04d}", raw_id=f"v{i}", url=f"https://example.org/v{i}", title=f"Video {i}",
                        duration=10.0, upload_date="20240101", view_count=views + i) for i in range(n)]


def _counted() -> dict:
    rows = Video.objects.values("channel_id", "status", "failure_kind").annotate(n=Count("id"), b=Sum("size_bytes"))
    return {(r["channel_id"], r["status"], r["failure_kind"]): (r["n"], r["b"] or 0) for r in rows}


def _kept() -> dict:
    return {(c.channel_id, c.status, c.failure_kind): (c.videos, c.bytes)
            for c in StatusCount.objects.filter(videos__gt=0)}


def test_the_counts_equal_a_count_after_a_mix_of_outcomes(redis_client):
    one, two = _channel("mix-1"), _channel("mix-2")
    sync._upsert(one, "videos", _entries(12, 100))  # a sync's insert
    sync._upsert(two, "videos", _entries(5, 100))
    sync._upsert(one, "videos", _entries(12, 500))  # listed again: an upsert that touches no status
    Video.objects.filter(channel=one).update(status="queued")  # queueing, in bulk
    videos = list(Video.objects.filter(channel=one).order_by("video_id"))

    def report(video, status, kind=FailureKind.NONE, **more):
        return record_outcome(DownloadReport(video_pk=video.pk, channel_id=one.id, video_id=video.video_id,
                                             attempt=video.attempts + 1, status=status, kind=kind, **more))

    for video in videos[:4]:
        report(video, OutcomeStatus.ARCHIVED, video_file="video.mp4", size_bytes=1000 + video.pk, seconds=1.0)
    report(videos[0], OutcomeStatus.ARCHIVED, video_file="video.mp4", size_bytes=5)  # a duplicate report
    report(videos[4], OutcomeStatus.FAILED, FailureKind.PERMANENT, reason="private")
    report(videos[5], OutcomeStatus.FAILED, FailureKind.TRANSIENT, reason="HTTP Error 503")  # retrying
    report(videos[6], OutcomeStatus.FAILED, FailureKind.BLOCKED, reason="bot check")
    report(videos[7], OutcomeStatus.SKIPPED, reason="older than the cutoff")
    Video.objects.filter(pk=videos[8].pk).update(status="failed", failure_kind="transient")  # a dead letter
    Video.objects.filter(pk=videos[9].pk).delete()
    Video.objects.filter(channel=two).delete()
    assert _kept() == _counted()
    assert _kept()[(one.id, "archived", "")][0] == 4


def test_a_listing_batch_is_written_in_as_many_queries_for_500_videos_as_for_5(redis_client, settings):
    settings.YTARCHIVE = {**settings.YTARCHIVE, "VIEW_SERIES_POINTS": 4}
    costs = {}
    for n in (5, 500):
        channel = _channel(f"batch-{n}")
        sync._upsert(channel, "videos", _entries(n, 100))
        listed = list(Video.objects.filter(channel=channel))
        for video in listed:  # listed a day ago
            video.view_series = [[at - 86400, views] for at, views in video.view_series]
        Video.objects.bulk_update(listed, ["view_series"])
        with CaptureQueriesContext(connection) as ctx:
            sync._upsert(channel, "videos", _entries(n, 200))  # every view count moved
        costs[n] = len(ctx.captured_queries)
        updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
        rows_per_update = connection.ops.bulk_batch_size(["pk", "pk", *history.LISTING_FIELDS], [None] * n)
        assert len(updates) <= math.ceil(n / rows_per_update), updates  # bulk, never one per video
        assert not VideoChange.objects.filter(video__channel=channel).exists()  # counts are no change rows
        video = Video.objects.get(channel=channel, video_id="v0003")
        assert video.view_count == 203 and [p[1] for p in video.view_series] == [103, 203]
    # The upsert and bulk_update are split only by the database's limit on parameters per statement (999 on
    # SQLite: about 28 rows of the upsert each); before, each moved view count was an UPDATE of its own.
    assert costs[5] <= 6 and costs[500] < 500 / 10, costs


def test_a_view_series_keeps_at_most_its_cap_spanning_the_whole_life():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    series: list = []
    for day in range(100):
        series = view_series.add_point(series, start + timedelta(days=day), day * 10, cap=8)
    assert len(series) == 8
    assert series[0] == [int(start.timestamp()), 0] and series[-1][1] == 990  # the first and the newest stay
    assert view_series.add_point(series, start + timedelta(days=200), 990, cap=8) == series  # unchanged: no point


def test_the_prune_deletes_changes_past_the_retention_only():
    video = Video.objects.create(channel=_channel("prune"), video_id="p", raw_id="p", url="https://example.org/p")
    now = timezone.now()
    for days in (400, 366, 10):
        VideoChange.objects.create(video=video, at=now - timedelta(days=days), field="title", old="a", new="b")
    assert history_prune.prune(now=now, retention_days=0) == 0
    assert history_prune.prune(now=now, retention_days=365) == 2
    assert [c.at for c in VideoChange.objects.all()] == [now - timedelta(days=10)]


def test_an_outcome_stores_the_description_and_the_backfill_reads_older_ones_once(redis_client):
    channel = _channel("desc")
    new, old = (Video.objects.create(channel=channel, video_id=v, raw_id=v, url="https://example.org/" + v,
                                     status="queued") for v in ("new", "old"))
    record_outcome(DownloadReport(video_pk=new.pk, channel_id=channel.id, video_id="new", attempt=1,
                                  status=OutcomeStatus.ARCHIVED, video_file="video.mp4",
                                  description="Said by the page"))
    assert Video.objects.get(pk=new.pk).description == "Said by the page"
    Video.objects.filter(pk=old.pk).update(status="archived")
    folder = tree.video_dir(settings.ARCHIVE_ROOT, channel.id, "old")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / tree.INFO_FILE).write_text(json.dumps({"description": "From an older release"}))
    assert description_backfill.backfill() == (1, 1)
    assert Video.objects.get(pk=old.pk).description == "From an older release"
    assert description_backfill.backfill() == (0, 0)  # read once


def test_only_newest_first_tabs_stop_early():
    assert sync.stops_early("videos", incremental=True) and sync.stops_early("shorts", incremental=True)
    assert not sync.stops_early("uploads", incremental=True)  # a playlist or feed: any order
    assert not sync.stops_early("videos", incremental=False)
