"""Keeping yt-dlp fresh, with real pip, a real control worker and real download workers.

The app runs as `make run` starts it, with pip pointed at a local folder of
wheels made from the installed yt-dlp under other version numbers
(PIP_FIND_LINKS, PIP_NO_INDEX=1): 2099.1.1 works, 2099.2.2 fails to import.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
import requests

from archiver.ytdlp import versions as ytdlp_versions
from tests.conftest import ADMIN
from tests.env_setup import RUN_DIR
from tests.harness import REPO, Api, AppStack, cli, free_port, wait_for
from tests.ytdlp_wheels import build_wheel, installed_package

pytestmark = pytest.mark.integration

NEW, BROKEN = "2099.1.1", "2099.2.2"
CHANNEL = "fixturesite-chan-bench-2"
BUNDLED = ytdlp_versions.version_in_folder(installed_package().parent)


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ytdlp-wheels")
    build_wheel(folder, NEW)
    build_wheel(folder, BROKEN, broken=True)
    return folder


@pytest.fixture(scope="module")
def update_stack(stack_env, wheels, fixture_site):
    env = {**stack_env, "PORT": str(free_port()), "FLOWER_PORT": str(free_port()),
           "DATA_DIR": str(RUN_DIR / "ytdlp-data"), "ARCHIVE_ROOT": str(RUN_DIR / "ytdlp-archive"),
           "REDIS_URL": stack_env["REDIS_URL"].rsplit("/", 1)[0] + "/9",
           "PIP_FIND_LINKS": str(wheels), "PIP_NO_INDEX": "1", "YTARCHIVE_YTDLP_UPDATE": "stable",
           "YTARCHIVE_YTDLP_CANARY_URL": f"{fixture_site.base_url}/watch/vid-main-05"}
    app = AppStack(env, RUN_DIR / "ytdlp-stack.log").start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def shared(update_stack) -> Path:
    return Path(update_stack.env["ARCHIVE_ROOT"]) / ".ytarchive" / "yt-dlp"


@pytest.fixture(scope="module")
def owner_api(update_stack) -> Api:
    token = Api(update_stack.base_url).post("/api/auth/token/", json=ADMIN)["token"]
    return Api(update_stack.base_url, token)


@pytest.fixture(scope="module")
def ytdlp_cli(update_stack, tmp_path_factory) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YTARCHIVE_")}
    env.update({"YTARCHIVE_CONFIG_DIR": str(tmp_path_factory.mktemp("ytdlp-cli")), "YTARCHIVE_URL":
                update_stack.base_url})
    cli(env, "login", "-u", ADMIN["username"], "--password-stdin", stdin=ADMIN["password"] + "\n")
    return env


def test_an_update_switches_and_workers_started_afterwards_use_it(update_stack, owner_api, ytdlp_cli, shared,
                                                                  fixture_site):
    before = owner_api.get("/api/ytdlp/")
    assert before["selected"]["version"] == BUNDLED and before["selected"]["source"] == "bundled"
    assert before["control"]["version"] == BUNDLED and before["workers"] == []

    done = cli(ytdlp_cli, "ytdlp", "update", "--version", NEW)
    assert f"switched from {BUNDLED} to {NEW}" in done.stdout, done.stdout
    assert os.readlink(shared / "current") == f"versions/{NEW}"
    assert ytdlp_versions.history(shared) == [NEW]
    after = owner_api.get("/api/ytdlp/")
    age = after["selected"]["age_days"]
    assert after["selected"] == {"version": NEW, "release_date": "2099-01-01", "age_days": age, "source": "shared"}
    assert age < 0  # a release from the future, as far as this clock knows
    assert after["control"]["version"] == BUNDLED  # this web process started before the switch
    assert after["update"]["status"] == "succeeded" and after["update"]["version"] == NEW

    scrape = requests.get(f"{update_stack.base_url}/metrics", timeout=30).text
    assert f'ytarchive_ytdlp_info{{role="selected",version="{NEW}"}} 1.0' in scrape \
        or f'ytarchive_ytdlp_info{{version="{NEW}",role="selected"}} 1.0' in scrape, scrape[-3000:]
    released = [line for line in scrape.splitlines() if line.startswith("ytarchive_ytdlp_release_timestamp_seconds ")]
    assert [float(line.split()[1]) for line in released] == [datetime(2099, 1, 1, tzinfo=UTC).timestamp()]

    owner_api.post("/api/channels/", expect=201, json={"url": f"{fixture_site.base_url}/channel/chan-bench-2"})
    owner_api.post(f"/api/channels/{CHANNEL}/sync/", expect=202)
    workers = wait_for(lambda: owner_api.get("/api/ytdlp/")["workers"], 120, "a download worker in the roll call")
    assert {w["version"] for w in workers} == {NEW}, workers
    progress = owner_api.wait_settled(CHANNEL)
    assert progress["archived"] == 2, progress
    for info_file in sorted((Path(update_stack.env["ARCHIVE_ROOT"]) / CHANNEL / "videos").glob("*/video.info.json")):
        assert json.loads(info_file.read_text())["_version"]["version"] == NEW, info_file
    shown = cli(ytdlp_cli, "ytdlp").stdout
    assert f"new processes: yt-dlp {NEW}, released 2099-01-01" in shown and f"control: yt-dlp {BUNDLED}" in shown


def test_a_broken_release_is_refused_and_nothing_switches(owner_api, ytdlp_cli, shared):
    refused = cli(ytdlp_cli, "ytdlp", "update", expect=1)  # the newest stable in the folder is the broken one
    assert "check failed: import yt_dlp" in refused.stderr and "broken on purpose" in refused.stderr, refused.stderr
    assert os.readlink(shared / "current") == f"versions/{NEW}"
    assert not (shared / "versions" / BROKEN).exists()
    status = owner_api.get("/api/ytdlp/")
    assert status["selected"]["version"] == NEW and status["update"]["status"] == "failed"
    assert ytdlp_versions.history(shared) == [NEW]


def test_rollback_goes_back_one_version(owner_api, ytdlp_cli, shared):
    done = cli(ytdlp_cli, "ytdlp", "rollback")
    assert f"rolled back from {NEW} to {BUNDLED}" in done.stdout, done.stdout
    assert not (shared / "current").exists()
    selected = owner_api.get("/api/ytdlp/")["selected"]
    assert (selected["version"], selected["source"]) == (BUNDLED, "bundled")
    assert "nothing to roll back" in cli(ytdlp_cli, "ytdlp", "rollback", expect=1).stderr


def test_bad_input_and_who_may_update(update_stack, owner_api, ytdlp_cli):
    bad = owner_api.post("/api/ytdlp/update/", expect=400, json={"version": "latest; rm -rf /"})
    assert "not a yt-dlp version" in bad["detail"]
    assert "JSON object" in owner_api.post("/api/ytdlp/update/", expect=400, json=["2099.1.1"])["detail"]
    assert "not a yt-dlp version" in cli(ytdlp_cli, "ytdlp", "update", "--version", "newest", expect=1).stderr
    assert "takes no --version" in cli(ytdlp_cli, "ytdlp", "rollback", "--version", NEW, expect=2).stderr
    assert "goes with" in cli(ytdlp_cli, "ytdlp", "--version", NEW, expect=2).stderr
    missing = cli(ytdlp_cli, "ytdlp", "update", "--version", "2099.9.9", expect=1)
    assert "Could not find a version that satisfies the requirement yt-dlp==2099.9.9" in missing.stderr
    update_stack.manage("shell", "-c", "from django.contrib.auth.models import User; "
                        "User.objects.create_user('ytdlp-reader', password='reader-pass-12345')")
    token = Api(update_stack.base_url).post("/api/auth/token/", json={"username": "ytdlp-reader",
                                                                       "password": "reader-pass-12345"})["token"]
    reader = Api(update_stack.base_url, token)
    assert reader.get("/api/ytdlp/")["selected"]["version"] == BUNDLED
    assert "the owner's account" in reader.post("/api/ytdlp/update/", expect=403, json={})["detail"]
    assert "the owner's account" in reader.post("/api/ytdlp/rollback/", expect=403)["detail"]
    Api(update_stack.base_url).get("/api/ytdlp/", expect=(401, 403))


def daily_checks(env: dict, times: int) -> subprocess.CompletedProcess:
    """The beat task's service, run ``times`` in one real process, as the control worker runs it."""
    today = datetime.now(UTC).date().isoformat()
    redis.Redis.from_url(env["REDIS_URL"]).delete(f"ytarchive:ytdlp:daily:{today}")  # a new day
    calls = "; ".join(["print(daily_check())"] * times)
    run = subprocess.run([sys.executable, "manage.py", "shell", "-c",
                          f"from downloads_app.ytdlp_updates import daily_check; {calls}"],
                         cwd=REPO, env={**env, "LOG_LEVEL": "INFO"}, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return run


def test_the_daily_check_installs_a_newer_release(update_stack, shared, tmp_path):
    build_wheel(tmp_path, NEW)  # an index whose newest stable is a good one
    run = daily_checks({**update_stack.env, "PIP_FIND_LINKS": str(tmp_path)}, 2)
    assert run.stdout.splitlines()[-2:] == ["succeeded", "already checked today"], run.stdout
    assert f"switched from {BUNDLED} to {NEW}" in run.stderr
    assert os.readlink(shared / "current") == f"versions/{NEW}"


def test_an_offline_daily_check_logs_one_line_and_keeps_the_version(update_stack, shared):
    env = {k: v for k, v in update_stack.env.items() if k not in ("PIP_FIND_LINKS", "PIP_NO_INDEX")}
    env.update({"PIP_INDEX_URL": "http://127.0.0.1:1/simple/", "PIP_RETRIES": "0", "PIP_TIMEOUT": "5",
                "PIP_CONFIG_FILE": os.devnull})
    before = os.readlink(shared / "current")
    run = daily_checks(env, 3)
    assert run.stdout.splitlines()[-3:] == ["offline", "already checked today", "already checked today"], run.stdout
    lines = [line for line in run.stderr.splitlines() if "yt-dlp daily check" in line]
    assert len(lines) == 1 and f"keeping yt-dlp {NEW}" in lines[0], run.stderr
    assert os.readlink(shared / "current") == before


def test_the_canary_must_extract_before_a_version_is_used(fixture_site, monkeypatch):
    """The check's third step: the new yt-dlp, in a fresh process, extracts YTARCHIVE_YTDLP_CANARY_URL."""
    from tests.fixture_site.pytest_plugin import plugin_env

    monkeypatch.setenv("PYTHONPATH", plugin_env()["PYTHONPATH"])  # the fixture site's extractor, as in the stack
    folder = installed_package().parent
    ytdlp_versions.check(folder, BUNDLED, f"{fixture_site.base_url}/watch/vid-main-05")
    with pytest.raises(ytdlp_versions.UpdateError, match=r"check failed: extracting .*vid-removed"):
        ytdlp_versions.check(folder, BUNDLED, f"{fixture_site.base_url}/watch/vid-removed")
    with pytest.raises(ytdlp_versions.UpdateError, match=r"imports yt-dlp .*, not 2099\.1\.1"):
        ytdlp_versions.check(folder, "2099.1.1")
