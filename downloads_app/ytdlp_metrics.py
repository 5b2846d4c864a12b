"""/metrics series of yt-dlp: which versions are in use, and how old the one new downloads get is.

``ytarchive_ytdlp_info{version, role}`` is 1 for the web process answering
(role ``web``), for what a process started now loads (``selected``) and for
each version a live download worker runs (``download``, from the roll call).
``ytarchive_ytdlp_release_timestamp_seconds`` is the selected version's release
date, so an alert can say when the yt-dlp in use is too old (the chart's
YtarchiveYtdlpOutdated).
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, time

from prometheus_client.core import GaugeMetricFamily
from redis.exceptions import RedisError

from archiver.state import ytdlp as ytdlp_state
from archiver.ytdlp import versions as ytdlp_versions
from downloads_app import ytdlp_updates
from downloads_app.queueing import redis

log = logging.getLogger(__name__)


class YtdlpCollector:
    """A prometheus_client collector: ``collect`` runs on every scrape."""

    def collect(self):
        info = GaugeMetricFamily("ytarchive_ytdlp_info", "yt-dlp versions in use: this web process (web), what "
                                 "processes started now load (selected), live download workers (download).",
                                 labels=["version", "role"])
        selected = ytdlp_updates.selected()
        here = ytdlp_versions.in_use(ytdlp_updates.shared_root())
        info.add_metric([here.version if here else "unknown", "web"], 1)
        info.add_metric([selected["version"], "selected"], 1)
        try:
            for version in sorted(set(ytdlp_state.worker_versions(redis()).values())):
                info.add_metric([version, "download"], 1)
        except RedisError as exc:
            log.info("metrics: workers' yt-dlp versions unreadable: %s", exc)
        yield info
        released = ytdlp_versions.release_date(selected["version"])
        if released is not None:
            yield GaugeMetricFamily("ytarchive_ytdlp_release_timestamp_seconds", "Release date (epoch seconds) of "
                                    "the yt-dlp processes started now use.",
                                    value=datetime.combine(released, time(), UTC).timestamp())
