"""The web server's settings (config.web_server): gthread for make run and the chart, typed, failing loudly."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import web_server
from config.launch import processes
from tests.harness import REPO


def gunicorn_settings(**env) -> subprocess.CompletedProcess:
    """gunicorn's own reading of config.gunicorn_conf (--print-config), as the master would load it."""
    return subprocess.run([sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "python:config.gunicorn_conf",
                           "--print-config"], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_gunicorn_runs_gthread_with_the_configured_threads_and_timeout():
    printed = gunicorn_settings(WEB_THREADS="48", WEB_TIMEOUT="7")
    assert printed.returncode == 0, printed.stderr[-2000:]
    values = {k.strip(): v.strip() for k, _, v in (line.partition("=") for line in printed.stdout.splitlines())}
    assert (values["worker_class"], values["threads"], values["timeout"]) == (
        "gthread", "48", "7")


@pytest.mark.parametrize("name, value", [("WEB_THREADS", "many"), ("WEB_THREADS", "2"), ("WEB_TIMEOUT", "0")])
def test_a_bad_value_stops_gunicorn_naming_the_variable(name, value):
    printed = gunicorn_settings(**{name: value})
    assert printed.returncode != 0 and name in printed.stderr and "Traceback" not in printed.stderr


def test_make_runs_web_line_leaves_worker_class_and_timeout_to_gunicorn_conf(tmp_path):
    line = processes({"WEB_CONCURRENCY": "3"}, Path(tmp_path))["web"]
    assert "-c python:config.gunicorn_conf" in line and "--workers 3" in line
    assert "--timeout" not in line and "--worker-class" not in line and "--threads" not in line


@pytest.mark.parametrize("threads, slots", [(4, 2), (8, 6), (32, 24), (100, 75)])
def test_a_quarter_of_the_threads_and_at_least_two_never_send_media(threads, slots):
    assert web_server.stream_slots(threads) == slots
