"""LOG_FORMAT=json: one JSON object per line, from every process (python-json-logger).

Keys: ``timestamp`` (ISO 8601, UTC), ``level``, ``logger``, ``message``,
``process`` (web, control, download-…), and ``channel_id`` / ``video_id`` /
``attempt`` on the lines of a download or sync (archiver.log_context). A
traceback goes into ``exc_info`` as one string, never onto lines of its own.
gunicorn's error and access logs use the same formatter (config.gunicorn_conf).

``configure`` is Django's LOGGING_CONFIG: with LOG_FORMAT=json, Python's
warnings and uncaught exceptions (which would print bare lines and tracebacks
to stderr) go through logging as well.
"""
from __future__ import annotations

import logging
import logging.config
import sys
import threading

from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger(__name__)


def json_formatter() -> JsonFormatter:
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger", "process_name": "process"},
        timestamp=True,
        json_ensure_ascii=False,
    )


def configure(logging_settings: dict) -> None:
    from django.conf import settings

    logging.config.dictConfig(logging_settings)
    if getattr(settings, "LOG_FORMAT", "plain") == "json":
        logging.captureWarnings(True)
        sys.excepthook = _log_uncaught
        threading.excepthook = _log_uncaught_in_thread


def _log_uncaught(exc_type, exc_value, exc_traceback) -> None:
    log.critical("uncaught exception", exc_info=(exc_type, exc_value, exc_traceback))


def _log_uncaught_in_thread(args) -> None:
    if not issubclass(args.exc_type, SystemExit):  # as threading's own hook: a thread's exit is no error
        log.critical("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
