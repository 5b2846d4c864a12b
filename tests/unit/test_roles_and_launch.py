"""Download workers have no database; make run's supervisord config; the log relay; one-line setting errors."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config.launch import flower_login, supervisord_conf
from config.log_relay import prefix
from tests.harness import REPO


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})


def test_a_download_worker_has_no_database_and_any_query_fails_loudly():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE']); "
            "from channels_app.models import Video; Video.objects.count()")
    result = run_python(code, YTARCHIVE_ROLE="download")
    assert result.stdout.strip() == "django.db.backends.dummy"
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    # The download task's own modules import fine without one.
    assert run_python("import django; django.setup(); import downloads_app.tasks",
                      YTARCHIVE_ROLE="download").returncode == 0


def test_a_bad_setting_stops_manage_py_with_one_line_naming_it():
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=REPO, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "YTARCHIVE_MAX_WORKERS": "abc"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ytarchive: configuration error: YTARCHIVE_MAX_WORKERS='abc' is not valid: "
        "invalid literal for int() with base 10: 'abc'"]


def test_supervisord_conf_restarts_stops_in_groups_and_relays_logs(tmp_path):
    conf = supervisord_conf({"redis": "redis-server --port 1", "web": "gunicorn x", "scaler": "python s"},
                            tmp_path, REPO, grace_seconds=20)
    sections = {block.split("\n", 1)[0]: block for block in conf.split("\n\n")}
    assert "events=PROCESS_LOG" in sections["[eventlistener:logs]"]
    for name in ("redis", "web", "scaler"):
        program = sections[f"[program:{name}]"]
        assert "autorestart=true" in program and "stdout_events_enabled=true" in program
        assert "killasgroup=true" in program
    assert "stopasgroup=true" in sections["[program:web]"]
    # The scaler hands its workers' downloads back itself, within the grace, before any SIGKILL.
    assert "stopasgroup=false" in sections["[program:scaler]"] and "stopwaitsecs=35" in sections["[program:scaler]"]
    assert "priority=5" in sections["[program:redis]"] and "priority=20" in sections["[program:web]"]
    assert "chmod=0700" in sections["[unix_http_server]"] and "password=" in sections["[unix_http_server]"]


def test_only_the_web_program_gets_the_multiprocess_metrics_folder(tmp_path):
    conf = supervisord_conf({"web": "gunicorn x", "control": "celery y"}, tmp_path, REPO, grace_seconds=20,
                            program_env={"web": {"PROMETHEUS_MULTIPROC_DIR": "/data/50%/metrics"}})
    sections = {block.split("\n", 1)[0]: block for block in conf.split("\n\n")}
    assert 'environment=PROMETHEUS_MULTIPROC_DIR="/data/50%%/metrics"' in sections["[program:web]"]
    assert "environment=" not in sections["[program:control]"]


def test_flower_gets_a_login_generated_once(tmp_path):
    env: dict = {}
    note = flower_login(env, tmp_path)
    user, password = env["FLOWER_BASIC_AUTH"].split(":", 1)
    assert user == "admin" and len(password) > 30 and password in note
    assert (tmp_path / ".flower_password").stat().st_mode & 0o777 == 0o600
    again: dict = {}
    assert flower_login(again, tmp_path) is None and again == env  # printed once, kept
    given = {"FLOWER_BASIC_AUTH": "me:mine"}
    assert flower_login(given, tmp_path) is None and given["FLOWER_BASIC_AUTH"] == "me:mine"


def test_log_relay_prefixes_whole_lines_even_when_split_across_events():
    pending: dict[str, str] = {}
    assert prefix("web", "one\ntw", pending) == "web     | one\n"
    assert prefix("control", "x\n", pending) == "control | x\n"
    assert prefix("web", "o\n", pending) == "web     | two\n"
    assert pending == {}


@pytest.mark.parametrize("detail, text", [
    ({"url": ["Enter a valid URL."]}, "url: Enter a valid URL."),
    ({"non_field_errors": ["Bad."]}, "Bad."),
    ({"a": ["x"], "b": ["y", "z"]}, "a: x; b: y b: z"),
])
def test_field_errors_fold_into_one_detail(detail, text):
    from front_app.http.api_errors import describe

    assert describe(detail) == text



def test_every_apt_get_of_the_makefile_waits_for_dpkgs_lock_and_says_so():
    """unattended-upgrades holds dpkg's lock at boot: `make run` waits for it instead of failing at once."""
    import re

    for target in ("system-deps", "system-deps-test"):
        plan = subprocess.run(["make", "-n", target, "APT_PACKAGES_RUN=no-such-package-ytarchive",
                               "APT_PACKAGES_TEST=no-such-package-ytarchive"],
                              capture_output=True, text=True, check=True, cwd=REPO).stdout
        calls = re.findall(r"\bapt-get [^&;]*", plan)
        assert calls and all("DPkg::Lock::Timeout=" in call for call in calls), calls
        assert "waiting for it" in plan
    venv = (REPO / "Makefile").read_text()
    assert venv.count("apt-get $(APT_LOCK)") == venv.count("apt-get ") == 4  # python3-venv's too
