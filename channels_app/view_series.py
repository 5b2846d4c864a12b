"""A video's view counts over time, kept on its row as a bounded series (never a history row per sync).

A sync sees a new view count for most videos every time; writing a ``VideoChange`` row for each made the
history grow by the catalog's size per sync. Instead the row keeps the latest count (``view_count``) and
``view_series``: at most ``YTARCHIVE_VIEW_SERIES_POINTS`` points ``[unix seconds, views]``, oldest first.
When a new point would pass the cap, the point closest in time to its predecessor is dropped (the first
and the newest always stay), so the series thins evenly and still spans the video's whole life.
"""
from __future__ import annotations

from datetime import datetime


def add_point(series: list, at: datetime, views: int, cap: int) -> list:
    """``series`` with the point (at, views) appended and thinned to ``cap`` points; a new list."""
    points = [list(p) for p in series or () if isinstance(p, (list, tuple)) and len(p) == 2]
    stamp = int(at.timestamp())
    if points and points[-1][1] == views:
        return points  # unchanged since the last point: nothing to add
    if points and points[-1][0] >= stamp:
        points[-1] = [points[-1][0], views]  # same second (or a clock step back): the newest value wins
    else:
        points.append([stamp, views])
    cap = max(2, cap)
    while len(points) > cap:
        gaps = [(points[i][0] - points[i - 1][0], i) for i in range(1, len(points) - 1)]
        del points[min(gaps)[1]]
    return points
