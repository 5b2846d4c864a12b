"""Which process, channel and video a log line is about, on every line.

``bound(channel_id=..., video_id=...)`` (or ``bind``/``unbind``) sets context
variables for the code inside it (a task whose message names a video, from
Celery's task_prerun to task_postrun: config.celery_logging; a sync inside
``bound``), and ``ContextFilter`` (on the log handler) copies them onto every
record emitted there, yt-dlp's own messages included. Leaving restores what
was there before, so nothing leaks into the pool thread's next task. A new
thread starts with no ids: one started for a download or a sync (its lease
keeper, its heartbeat) carries them over with ``current()``. The process name
comes from YTARCHIVE_PROCESS_NAME, or supervisord's SUPERVISOR_PROCESS_NAME
under ``make run``.
"""
from __future__ import annotations

import contextvars
import logging
import os
from contextlib import contextmanager

FIELDS = ("channel_id", "video_id", "attempt")
_vars = {name: contextvars.ContextVar(f"ytarchive_{name}", default=None) for name in FIELDS}


def process_name() -> str:
    return os.environ.get("YTARCHIVE_PROCESS_NAME") or os.environ.get("SUPERVISOR_PROCESS_NAME") or "ytarchive"


def bind(**values) -> list:
    """Set the ids given (others are ignored); ``unbind`` the result to restore what was there."""
    return [(_vars[name], _vars[name].set(value)) for name, value in values.items() if name in _vars]


def unbind(tokens: list) -> None:
    for var, token in reversed(tokens):
        var.reset(token)


@contextmanager
def bound(**values):
    tokens = bind(**values)
    try:
        yield
    finally:
        unbind(tokens)


def current() -> dict:
    return {name: var.get() for name, var in _vars.items() if var.get() is not None}


class ContextFilter(logging.Filter):
    """Adds ``process_name`` and the bound ids to each record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.process_name = process_name()
        for name in FIELDS:
            value = _vars[name].get()
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return True
