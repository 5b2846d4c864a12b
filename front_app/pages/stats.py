"""The stats page: charts where people would rather look than read (downloads per day, storage over time and
per channel, the queue and failures over time, the disk's free space), drawn as SVG by archiver.svg_charts
from what downloads_app.stats reads. A handful of queries whatever the catalog's size."""
from __future__ import annotations

import html
import re

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from archiver import svg_charts
from archiver.readable import binary_size
from downloads_app import stats

DAYS = 30


def _times(rows) -> list[str]:
    """The samples' x labels: their hours within a day, their days beyond; "now" last."""
    if not rows:
        return ["now"]
    short = (timezone.now() - rows[0].taken_at).total_seconds() <= 86400
    return [timezone.localtime(s.taken_at).strftime("%H:%M" if short else "%m-%d") for s in rows] + ["now"]


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def charts() -> dict:
    """Each chart's SVG (safe: svg_charts escapes every text it writes), and the figures beside them."""
    per_day = stats.downloads_per_day(DAYS)
    failures = stats.failures_per_day(DAYS)
    labels = [day.strftime("%m-%d") for day, *_ in per_day]
    now = stats.totals()
    rows = stats.samples(DAYS)
    times = _times(rows)

    def over_time(field: str) -> list:
        return [getattr(s, field) for s in rows] + [now[field]]

    channels = stats.storage_per_channel()
    disk = stats.disk_space()
    drawn = {
        "downloads": svg_charts.bar_chart(
            "chart-downloads", f"Videos archived per day, last {DAYS} days", labels, [n for _, n, _ in per_day],
            fmt=_count, x_label="day", y_label="videos", what="videos archived"),
        "download_bytes": svg_charts.bar_chart(
            "chart-download-bytes", f"Bytes archived per day, last {DAYS} days", labels,
            [size for _, _, size in per_day], fmt=binary_size, x_label="day", y_label="archived", binary=True,
            what="bytes archived"),
        "storage": svg_charts.line_chart(
            "chart-storage", "Storage over time", times,
            [svg_charts.Series("archived", over_time("archived_bytes"))], fmt=binary_size, x_label="sample",
            y_label="archived", binary=True),
        "per_channel": svg_charts.bar_chart(
            "chart-per-channel", "Storage per channel", [title for _, title, _ in channels],
            [size for *_, size in channels], fmt=binary_size, x_label="channel", y_label="archived", binary=True,
            what="bytes archived per channel"),
        "queue": svg_charts.line_chart(
            "chart-queue", "Queue over time", times,
            [svg_charts.Series(name, over_time(field)) for name, field in (
                ("waiting", "queued"), ("downloading", "downloading"), ("retrying", "retrying"))],
            fmt=_count, x_label="sample", y_label="videos"),
        "failures": svg_charts.line_chart(
            "chart-failures", "Failures over time", times,
            [svg_charts.Series("failed", over_time("failed")),
             svg_charts.Series("dead letters", over_time("dead_letters"))],
            fmt=_count, x_label="sample", y_label="videos"),
        "failures_per_day": svg_charts.bar_chart(
            "chart-failures-per-day", f"Videos that last failed each day, last {DAYS} days", labels,
            [n for _, n in failures], fmt=_count, x_label="day", y_label="videos", what="failures"),
        "disk": svg_charts.line_chart(
            "chart-disk", "Free space on the archive's disk", times,
            [svg_charts.Series("free", over_time("disk_free_bytes"))], fmt=binary_size, x_label="sample",
            y_label="free", binary=True),
    }
    captions = {
        "downloads": "Videos archived each day (from the videos' own archive times).",
        "download_bytes": "What those downloads take.",
        "storage": "Archived bytes at each sample" + ("" if rows else " (none yet: one is taken every few minutes)")
                   + "; the last point is now.",
        "per_channel": "The channels that take most.",
        "queue": "Videos waiting, downloading and retrying at each sample.",
        "failures": "Failed videos, and dead letters (failed after every retry), at each sample.",
        "failures_per_day": "Videos whose last failure was that day.",
        "disk": "Free space on the filesystem holding the archive.",
    }
    # The charts' own titles, unescaped: the template escapes them again for the headings.
    titles = {name: html.unescape(re.search(r"<title[^>]*>([^<]*)</title>", svg).group(1))
              for name, svg in drawn.items()}
    return {
        # safe: svg_charts escapes every text it writes
        "figures": [{"title": titles[name], "svg": mark_safe(svg), "caption": captions[name]}  # noqa: S308
                    for name, svg in drawn.items()],
        "now": now, "samples": len(rows),
        "channels": [(cid, title, binary_size(size)) for cid, title, size in channels],
        "disk": {"free": binary_size(disk[0]), "size": binary_size(disk[1]),
                 "used_fraction": 1 - disk[0] / disk[1] if disk[1] else 0} if disk else None,
        "archived_size": binary_size(now["archived_bytes"]),
        "archived_30d": sum(n for _, n, _ in per_day),
    }


@login_required
def stats_page(request):
    return render(request, "web/stats.html", charts())
