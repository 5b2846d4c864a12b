"""gunicorn's settings for every deployment (``make run`` and the chart: ``-c python:config.gunicorn_conf``).

Long URLs: see front_app.http.url_limit.

Workers are gthread with WEB_THREADS threads each and WEB_TIMEOUT as gunicorn's
worker timeout, which under gthread never cuts a transfer (config.web_server
says why, and how slow readers are kept from starving /health).

/metrics must add up every gunicorn worker, whichever one answers the scrape:
with PROMETHEUS_MULTIPROC_DIR set, prometheus_client keeps each worker's
values in files there, and a worker that exits is marked dead so its live
gauges go away while its counters keep counting in the total.
"""
from __future__ import annotations

import os

from config import web_server

# No request-line limit of gunicorn's own below its 1 MiB bound: front_app.http.url_limit answers a URL over 4 KiB
# with a 414 in the API's JSON shape, where gunicorn's default (4094 bytes) would answer an HTML page.
limit_request_line = 0

worker_class = web_server.WORKER_CLASS
threads = web_server.threads()
timeout = web_server.timeout()

if os.environ.get("LOG_FORMAT") == "json":
    # gunicorn's own error and access lines as JSON too (config.log_format), the access log kept.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "config.log_format.json_formatter"}},
        "filters": {"context": {"()": "archiver.log_context.ContextFilter"}},
        "handlers": {
            # gunicorn merges these over its defaults, whose root logger uses "console".
            "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"],
                        "stream": "ext://sys.stdout"},
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"],
                              "stream": "ext://sys.stderr"},
            "error": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"],
                      "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"],
                       "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
