"""LOG_FORMAT=json: one JSON object per line, from every process (python-json-logger).

Keys: ``timestamp`` (ISO 8601, UTC), ``level``, ``logger``, ``message``,
``process`` (web, control, download-…), and ``channel_id`` / ``video_id`` /
``attempt`` on the lines of a download or sync (archiver.log_context). A
traceback goes into ``exc_info`` as one string, never onto lines of its own.
gunicorn's error and access logs use the same formatter (config.gunicorn_conf).
"""
from __future__ import annotations

from pythonjsonlogger.json import JsonFormatter


def json_formatter() -> JsonFormatter:
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger", "process_name": "process"},
        timestamp=True,
        json_ensure_ascii=False,
    )
