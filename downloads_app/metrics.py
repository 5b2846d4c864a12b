"""The archive's own Prometheus series, computed at scrape time from the database and Redis.

Nothing here is a process-local counter: totals come from channels_app.tallies
(changed with the facts they count), live numbers from the broker and the
workers' roll call. So every web process answers a scrape with the same
values, before and after any restart, for local workers and Jobs alike.
"""
from __future__ import annotations

import logging
import os

from django.conf import settings
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from redis.exceptions import RedisError

from archiver import tree
from archiver.state import broker_queue, download_locks, store, worker_presence
from archiver.state import egress as egress_state
from archiver.vocabulary import STORED_VIDEO_STATUSES, CountedOutcome, FixityStatus, VideoStatus
from channels_app import status_counts, tallies
from channels_app.models import Channel, Video

log = logging.getLogger(__name__)

OUTCOMES = tuple(str(outcome) for outcome in CountedOutcome)  # the label values of the download series


def _histogram(totals: dict[str, float]) -> HistogramMetricFamily:
    family = HistogramMetricFamily("ytarchive_download_duration_seconds",
                                   "Time from a download's start to its outcome, by outcome.", labels=["status"])
    for status in OUTCOMES:
        running, buckets = 0.0, []
        for le in (*tallies.DURATION_BUCKETS, "+Inf"):
            running += totals.get(f"duration_bucket:{status}:{le}", 0.0)
            buckets.append((str(le) if le == "+Inf" else f"{float(le):g}", running))
        family.add_metric([status], buckets, totals.get(f"duration_sum:{status}", 0.0))
    return family


def _database_series(totals: dict[str, float]):
    downloads = CounterMetricFamily("ytarchive_downloads", "Download attempts that ended, by outcome "
                                    "(retrying: transient, retried later; failed: permanent or out of retries; "
                                    "skipped: published before the channel's cutoff).",
                                    labels=["status"])
    for status in OUTCOMES:
        downloads.add_metric([status], totals.get(tallies.downloads_name(status), 0.0))
    yield downloads
    yield _histogram(totals)
    counts = {str(s): 0 for s in STORED_VIDEO_STATUSES}
    counts.update(status_counts.by_status())  # the kept counts (channels_app.status_counts), never a COUNT
    videos = GaugeMetricFamily("ytarchive_videos", "Videos in the catalog by stored status.", labels=["status"])
    for status, n in counts.items():
        videos.add_metric([status], n)
    yield videos
    yield GaugeMetricFamily("ytarchive_dead_letters", "Videos that failed transiently until out of retries.",
                            value=status_counts.dead_letters())
    yield GaugeMetricFamily("ytarchive_channels", "Channels in the archive.", value=Channel.objects.count())
    yield GaugeMetricFamily("ytarchive_fixity_failures", "Archived videos whose last fixity check found a file "
                            "missing, changed or unexpected (checksums.sha256).",
                            value=Video.objects.filter(status=VideoStatus.ARCHIVED,
                                                       fixity_status=FixityStatus.DAMAGED).count())
    queue = GaugeMetricFamily("ytarchive_queue_length", "Downloads waiting: queued (in the database's backlog "
                              "or the feeder's window), in the broker now (window), and for their backoff to "
                              "end (retrying).", labels=["state"])
    queue.add_metric([str(VideoStatus.QUEUED)], counts[str(VideoStatus.QUEUED)])
    queue.add_metric([str(VideoStatus.RETRYING)], counts[str(VideoStatus.RETRYING)])
    yield queue


def _redis_series(r, stored_bytes: float | None):
    queue = GaugeMetricFamily("ytarchive_queue_length", "", labels=["state"])
    queue.add_metric(["window"], broker_queue.queue_length(r))  # the feeder's window (downloads_app.feeder)
    yield queue
    paused = GaugeMetricFamily("ytarchive_site_paused_until_seconds", "Sites paused for an egress identity "
                               "after a refusal (bot check, 429, 403s, throttled formats), with the epoch time "
                               "the pause ends.", labels=["site", "identity"])
    for pause in egress_state.pauses(r):
        paused.add_metric([pause["site"], pause["identity"]], pause["until"])
    yield paused
    yield GaugeMetricFamily("ytarchive_active_workers", "Download workers alive now (local processes or Jobs).",
                            value=worker_presence.live_workers(r))
    yield GaugeMetricFamily("ytarchive_downloads_in_flight", "Downloads running now, across all workers "
                            "(a dead worker's, its lease not yet run out, left out).",
                            value=download_locks.live_downloads(r))
    if stored_bytes is None:  # the database did not answer: no storage figure rather than a wrong one
        return
    yield GaugeMetricFamily("ytarchive_storage_bytes", "Bytes under the archive root, as du counts them "
                            "(finished videos, channel files, and downloads in flight).",
                            value=stored_bytes + download_locks.in_flight_bytes(r)
                            + tree.own_disk_usage(settings.ARCHIVE_ROOT))  # the root folder itself, as du has it


class ArchiveCollector:
    """A prometheus_client collector: ``collect`` runs on every scrape."""

    def collect(self):
        up = GaugeMetricFamily("ytarchive_component_up", "Whether /metrics could read each part "
                               "(1) or not (0) on this scrape.", labels=["component"])
        families: dict[str, object] = {}
        totals: dict[str, float] | None = None
        try:
            snapshot = tallies.snapshot()
            for family in _database_series(snapshot):
                families[family.name] = family
            totals = snapshot
            up.add_metric(["database"], 1)
        except Exception as exc:  # a scrape reports what it can and says what it could not
            log.warning("metrics: database unreadable: %s", exc)
            up.add_metric(["database"], 0)
        try:
            r = store.connect(settings.REDIS_URL)
            stored = None if totals is None else totals.get(tallies.STORAGE, 0.0)
            for family in _redis_series(r, stored):
                if family.name in families:
                    families[family.name].samples += family.samples
                else:
                    families[family.name] = family
            up.add_metric(["redis"], 1)
        except RedisError as exc:
            log.warning("metrics: redis unreadable: %s", exc)
            up.add_metric(["redis"], 0)
        yield from families.values()
        yield from _filesystem_series()
        yield up


def _filesystem_series():
    try:
        stats = os.statvfs(settings.ARCHIVE_ROOT)
    except OSError:
        return
    yield GaugeMetricFamily("ytarchive_storage_free_bytes", "Free bytes on the filesystem holding the archive.",
                            value=stats.f_bavail * stats.f_frsize)
    yield GaugeMetricFamily("ytarchive_storage_size_bytes", "Size of the filesystem holding the archive.",
                            value=stats.f_blocks * stats.f_frsize)
