"""Celery's side of the logs: a task's ids on all of its lines, and JSON from a worker's first line to its last.

* A task whose message names a video (``download_video``'s request,
  ``record_download_outcome``'s report) runs with that message's
  ``channel_id``, ``video_id`` and ``attempt`` bound (archiver.log_context)
  from ``task_prerun`` to ``task_postrun``, so Celery's own "Task … succeeded"
  or "… raised" line carries them too. Both signals are sent on the thread
  that runs the task, postrun from a ``finally``: the ids never reach the
  next task of that pool thread.
* LOG_FORMAT=json: ``celeryd_init`` comes before Celery's first output (its
  warning about running as root) and before it sets logging up, so logging
  is configured there. The start-up banners are turned off with
  ``celery --quiet`` (config.launch, archiver.scaling) or CELERY_QUIET=true
  (the Helm chart). The one notice Celery prints to stdout outside logging
  (``worker: Warm shutdown``) is left as it is (we do not patch Celery); under
  ``make run`` the log relay wraps it into a JSON line like any foreign line.
* A download handed back because its worker is stopping (``Reject`` with
  requeue, downloads_app.tasks) is routine: Celery logs every Reject as a
  warning with a traceback; ``HandBackNotice`` makes it one INFO line.
"""
from __future__ import annotations

import logging
import threading

from celery.exceptions import Reject
from celery.signals import celeryd_init, task_postrun, task_prerun

from archiver import log_context
from archiver.vocabulary import HAND_BACK_REASON

_bound: dict[tuple[str, int], list] = {}  # (task id, thread) -> what to unbind after the task


def message_ids(args, kwargs) -> dict:
    """The ids in a task's message: its first dict argument's ``channel_id``, ``video_id`` and ``attempt``."""
    message = next((a for a in (*(args or ()), *(kwargs or {}).values()) if isinstance(a, dict)), {})
    return {name: value for name in log_context.FIELDS
            if isinstance(value := message.get(name), str | int) and not isinstance(value, bool)}


class HandBackNotice(logging.Filter):
    """Celery's "Task … rejected" warning and traceback for a hand-back, as one INFO line (nothing went wrong)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, Reject) and exc.requeue and str(exc.reason) == HAND_BACK_REASON:
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
            record.msg, record.args = "Task %(name)s[%(id)s] handed back to the queue: the worker is stopping", \
                record.args
        return True


logging.getLogger("celery.app.trace").addFilter(HandBackNotice())


@task_prerun.connect
def _bind_task_ids(task_id=None, args=None, kwargs=None, **_):
    ids = message_ids(args, kwargs)
    if ids:
        _bound[(task_id, threading.get_ident())] = log_context.bind(**ids)


@task_postrun.connect
def _unbind_task_ids(task_id=None, **_):
    log_context.unbind(_bound.pop((task_id, threading.get_ident()), []))


@celeryd_init.connect
def _json_from_the_first_line(**_):
    from django.conf import settings

    if settings.LOG_FORMAT != "json":
        return
    from config.log_format import configure

    configure(settings.LOGGING)
