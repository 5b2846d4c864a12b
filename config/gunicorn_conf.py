"""gunicorn's settings for every deployment (``make run`` and the chart: ``-c python:config.gunicorn_conf``).

/metrics must add up every gunicorn worker, whichever one answers the scrape:
with PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps each worker's
values in files there, and a worker that exits is marked dead so its live
gauges go away while its counters keep counting in the total.
"""
from __future__ import annotations

import os


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
