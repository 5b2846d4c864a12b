"""LOG_FORMAT=json: lines that parse, a download's ids on its lines only, foreign lines wrapped by the relay."""
from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from archiver import log_context
from config.celery import app
from config.celery_logging import message_ids
from config.log_format import json_formatter
from config.log_relay import prefix
from tests.harness import REPO

probe_log = logging.getLogger("tests.probe")


@app.task(name="tests.log_probe")
def log_probe(message) -> str:
    probe_log.info("inside the task")
    return "done"


class Captured(logging.Handler):
    """Records as the console handler sees them: through ContextFilter, on the emitting thread."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.addFilter(log_context.ContextFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def captured():
    handler = Captured()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def ids(record) -> tuple:
    return tuple(getattr(record, name, None) for name in log_context.FIELDS)


def test_json_lines_parse_with_utc_time_level_logger_process_ids_and_the_traceback_in_one_field(monkeypatch):
    monkeypatch.setenv("YTARCHIVE_PROCESS_NAME", "download-7")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(json_formatter())
    handler.addFilter(log_context.ContextFilter())
    logger = logging.getLogger("tests.json_lines")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with log_context.bound(channel_id="UCchan", video_id="vid-é1", attempt=2):
            logger.info("archived in %.1fs", 1.25)
        try:
            1 / 0
        except ZeroDivisionError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # the traceback stays inside its line
    archived, failed = map(json.loads, lines)
    assert archived["message"] == "archived in 1.2s" and archived["level"] == "INFO"
    assert archived["logger"] == "tests.json_lines" and archived["process"] == "download-7"
    assert (archived["channel_id"], archived["video_id"], archived["attempt"]) == ("UCchan", "vid-é1", 2)
    assert datetime.fromisoformat(archived["timestamp"]).utcoffset() == timedelta(0)
    assert failed["level"] == "ERROR" and "video_id" not in failed  # the block is over
    assert failed["exc_info"].startswith("Traceback") and "ZeroDivisionError" in failed["exc_info"]


def test_each_pool_thread_logs_its_own_tasks_ids_and_none_leak_to_its_next_task(captured):
    """Celery's threads pool in small: tasks run through Celery's tracer (task_prerun/postrun) on pool threads."""
    both_inside = threading.Barrier(2, timeout=10)

    @app.task(name="tests.log_probe_waiting")
    def waiting_probe(message) -> str:
        both_inside.wait()  # the two downloads run at the same time, on two threads
        probe_log.info("inside the task")
        return "done"

    first = {"channel_id": "chan-a", "video_id": "vid-a", "attempt": 1}
    second = {"channel_id": "chan-b", "video_id": "vid-b", "attempt": 3}
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda m: waiting_probe.apply(args=(m,)).get(), [first, second]))
    inside = [r for r in captured.records if r.getMessage() == "inside the task"]
    assert sorted(map(ids, inside)) == [("chan-a", "vid-a", 1), ("chan-b", "vid-b", 3)]
    assert len({r.thread for r in inside}) == 2
    # Celery's own line about the task carries the ids too.
    succeeded = [r for r in captured.records if r.name == "celery.app.trace" and "succeeded" in r.getMessage()]
    assert sorted(map(ids, succeeded)) == [("chan-a", "vid-a", 1), ("chan-b", "vid-b", 3)]

    captured.records.clear()
    with ThreadPoolExecutor(max_workers=1) as pool:  # one thread: a download, then a task naming no video
        pool.submit(lambda: log_probe.apply(args=(first,)).get()).result()
        pool.submit(lambda: log_probe.apply(args=("not a message",)).get()).result()
        pool.submit(probe_log.info, "after both").result()
    inside = [r for r in captured.records if r.name == "tests.probe"]
    assert [(r.getMessage(), ids(r)) for r in inside] == [
        ("inside the task", ("chan-a", "vid-a", 1)),
        ("inside the task", (None, None, None)),
        ("after both", (None, None, None)),
    ]
    assert len({r.thread for r in inside}) == 1
    assert log_context.current() == {}


def test_a_task_that_raises_leaves_no_ids_behind(captured):
    @app.task(name="tests.log_probe_failing")
    def failing_probe(message):
        raise RuntimeError("yt-dlp fell over")

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: failing_probe.apply(args=({"channel_id": "c", "video_id": "v"},))).result()
        pool.submit(probe_log.info, "next").result()
    raised = [r for r in captured.records if r.name == "celery.app.trace"]
    assert raised and all(ids(r)[:2] == ("c", "v") for r in raised)
    assert ids(next(r for r in captured.records if r.getMessage() == "next")) == (None, None, None)


def test_message_ids_take_strings_and_numbers_only():
    assert message_ids(({"channel_id": "c", "video_id": "v", "attempt": 2, "url": "u"},), {}) == {
        "channel_id": "c", "video_id": "v", "attempt": 2}
    assert message_ids((), {"report": {"video_id": "v", "attempt": True, "channel_id": ["x"]}}) == {"video_id": "v"}
    assert message_ids((7,), None) == {} and message_ids(None, None) == {}


def test_a_downloads_lease_keeper_thread_logs_with_its_ids(captured, monkeypatch):
    from archiver import download
    from archiver.state import download_locks

    monkeypatch.setattr(download_locks, "renew_lock", lambda *args: False)  # the lease is lost at the first renewal
    with log_context.bound(channel_id="c9", video_id="v9", attempt=1):
        keeper = download._LeaseKeeper(None, "c9", "v9", "token", lease_seconds=0.03)
    keeper.start()
    keeper.join(10)
    lost = [r for r in captured.records if r.getMessage().startswith("lease lost")]
    assert [ids(r) for r in lost] == [("c9", "v9", 1)]
    assert lost[0].thread != threading.get_ident()


def test_log_relay_in_json_mode_wraps_foreign_lines_and_names_the_process():
    pending: dict[str, str] = {}
    out = prefix("redis", '1:M 25 Nov Ready to accept connections\n{"message": "x", "level": "INFO"}\n\n'
                          '{"message": "y", "process": "download-3"}\n42\n{"message": "spl',
                 pending, json_lines=True).splitlines()
    wrapped, ours, named, number = (json.loads(line) for line in out)  # the blank line is dropped
    assert wrapped["process"] == "redis" and wrapped["message"].startswith("1:M")
    assert datetime.fromisoformat(wrapped["timestamp"]).utcoffset() == timedelta(0)
    assert ours == {"message": "x", "level": "INFO", "process": "redis"}
    assert named["process"] == "download-3"  # a local download worker's line, relayed by the scaler
    assert number["message"] == "42" and number["process"] == "redis"
    assert json.loads(prefix("redis", 'it"}\n', pending, json_lines=True)) == {"message": "split", "process": "redis"}


def run_python(code: str, log_format: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LOG_FORMAT": log_format, "YTARCHIVE_PROCESS_NAME": "probe"}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env=env)


WORKER_LIKE = """
import logging, sys, threading, warnings
import django
django.setup()
import config.celery
from celery.signals import celeryd_init
celeryd_init.send(sender="probe@host", instance=None, conf=None, options={})
logging.getLogger("probe").info("hello")
warnings.warn("careful")
thread = threading.Thread(target=lambda: 1 / 0, name="doomed")
thread.start()
thread.join()
raise RuntimeError("the end")
"""


def test_json_mode_puts_warnings_and_crashes_on_json_lines():
    result = run_python(WORKER_LIKE, "json")
    assert result.returncode == 1 and result.stdout == ""
    records = [json.loads(line) for line in result.stderr.splitlines()]  # every line is one JSON object
    assert all(r["process"] == "probe" for r in records)
    by_message = {r["message"].split("\n")[0]: r for r in records}
    assert "hello" in by_message
    assert any("UserWarning: careful" in m and by_message[m]["logger"] == "py.warnings" for m in by_message)
    assert "ZeroDivisionError" in by_message["uncaught exception in thread doomed"]["exc_info"]
    assert "RuntimeError: the end" in by_message["uncaught exception"]["exc_info"]


def test_plain_mode_keeps_its_lines():
    result = run_python("import django, logging; django.setup(); logging.getLogger('probe').info('hello')", "plain")
    assert result.returncode == 0
    line, = result.stderr.splitlines()
    assert line.endswith(" INFO probe hello") and not line.startswith("{")


def test_a_bad_log_format_stops_with_one_line_naming_it():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "LOG_FORMAT": "xml"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ytarchive: configuration error: LOG_FORMAT='xml' must be one of: plain, json"]


def test_a_download_handed_back_is_one_info_line_not_a_warning_with_a_traceback(caplog):
    """Celery logs each Reject as a warning with its traceback; a worker stopping as a task arrives is routine."""
    import logging

    from celery.app import trace
    from celery.exceptions import Reject

    from archiver.vocabulary import HAND_BACK_REASON

    def rejected(reason):
        try:
            raise Reject(reason, requeue=True)
        except Reject:
            import sys
            trace.logger.log(logging.WARNING, trace.LOG_REJECTED.strip(),
                             {"name": "downloads_app.tasks.download_video", "id": "t1", "exc": "Reject"},
                             exc_info=sys.exc_info())

    with caplog.at_level(logging.INFO, logger="celery.app.trace"):
        rejected(HAND_BACK_REASON)
        rejected("something else")
    handed, other = caplog.records[-2:]
    assert handed.levelno == logging.INFO and handed.exc_info is None
    assert handed.getMessage() == "Task downloads_app.tasks.download_video[t1] handed back to the queue: " \
                                  "the worker is stopping"
    assert other.levelno == logging.WARNING and other.exc_info is not None
