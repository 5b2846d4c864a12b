"""Test set-up shared by unit and integration tests.

tests/env_setup.py (imported first, before Django is set up) points the settings at this run's
own folders and Redis port. The Redis server itself starts once per session;
integration tests add the whole app on top (``stack``).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.env_setup import REDIS_PORT, RUN_DIR
from tests.harness import REPO, Api, AppStack, RedisServer, free_port

pytest_plugins = ["tests.fixture_site.pytest_plugin"]

ADMIN = {"username": "owner", "password": "owner-test-password-1"}


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    """One private redis-server for the whole run (cheap, and most tests need it)."""
    server = RedisServer(RUN_DIR / "redis", REDIS_PORT).start()
    yield server
    server.stop()


@pytest.fixture
def redis_client(redis_server):
    from archiver.state import store

    client = store.connect(redis_server.url)
    client.flushdb()
    return client


@pytest.fixture
def latest_schema_after():
    """For a test that migrates an app back: every migration applied again after it (going back unapplies the
    later migrations of that app and of the apps that depend on it; the tests after it need them all)."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(scope="session")
def notify_sink():
    from tests.harness import NotifySink

    sink = NotifySink()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def stack_env(redis_server, fixture_site, notify_sink):
    from tests.fixture_site.pytest_plugin import plugin_env

    env = plugin_env(dict(os.environ))
    env.update({
        "PORT": str(free_port()),
        "FLOWER_PORT": str(free_port()),
        "DATA_DIR": str(RUN_DIR / "stack-data"),
        "ARCHIVE_ROOT": str(RUN_DIR / "stack-archive"),
        "REDIS_URL": redis_server.url.rsplit("/", 1)[0] + "/1",  # unit tests flush db 0
        "YTARCHIVE_SCALER": "local",
        "YTARCHIVE_MAX_WORKERS": "2",
        "YTARCHIVE_WORKERS_PER_QUEUE": "5",
        "YTARCHIVE_SCALE_INTERVAL_SECONDS": "0.5",
        "YTARCHIVE_WORKER_IDLE_SECONDS": "20",
        "YTARCHIVE_LEASE_SECONDS": "3",
        "YTARCHIVE_RECONCILE_SECONDS": "1",
        "YTARCHIVE_HOUSEKEEPING_SECONDS": "2",
        "YTARCHIVE_SHUTDOWN_GRACE_SECONDS": "5",
        "DJANGO_SUPERUSER_USERNAME": ADMIN["username"],
        "DJANGO_SUPERUSER_PASSWORD": ADMIN["password"],
        "WEB_CONCURRENCY": "2",
        "YTARCHIVE_SPONSORBLOCK_API": fixture_site.base_url,  # its /api/skipSegments/, never the real one
        "YTARCHIVE_NOTIFY_URLS": notify_sink.url("/all"),  # Apprise's json:// to a sink on 127.0.0.1
        "YTARCHIVE_NOTIFY_SECONDS": "2",
        # No video pages read again by syncs: tests count the site's requests (history reads them: unit tests).
        "YTARCHIVE_HISTORY_PAGES_PER_SYNC": "0",
        "YTARCHIVE_IMPORT_ROOT": str(RUN_DIR / "imports"),
        # Library views (issue 26): on the archive's filesystem; each channel's library_layout says (off by default).
        "YTARCHIVE_LIBRARY_ROOT": str(RUN_DIR / "stack-library"),
    })
    return env


@pytest.fixture(scope="session")
def stack(stack_env):
    app = AppStack(stack_env, RUN_DIR / "stack.log").start()
    yield app
    app.stop()


@pytest.fixture(scope="session")
def api(stack) -> Api:
    anonymous = Api(stack.base_url)
    token = anonymous.post("/api/auth/token/", json=ADMIN)["token"]
    return Api(stack.base_url, token)


@pytest.fixture(scope="session")
def archive_root(stack_env) -> Path:
    return Path(stack_env["ARCHIVE_ROOT"])


@pytest.fixture(scope="session")
def library_root(stack_env) -> Path:
    return Path(stack_env["YTARCHIVE_LIBRARY_ROOT"])


def pytest_report_header(config):
    from django.db import connection

    return [f"ytarchive test run folder: {RUN_DIR}", f"repo: {REPO}", f"database: {connection.vendor}"
            + (f" ({os.environ['DATABASE_URL']})" if os.environ.get("DATABASE_URL") else "")]


def pytest_sessionfinish(session, exitstatus):
    """Keep the run folder (logs, archive, database) only when something failed."""
    import shutil

    from tests import env_setup

    if env_setup.POSTGRES is not None:
        env_setup.POSTGRES.stop()
    if exitstatus == 0:
        shutil.rmtree(RUN_DIR, ignore_errors=True)
    else:
        print(f"\nytarchive test run folder kept for inspection: {RUN_DIR}")


@pytest.fixture(scope="module")
def cli_env(stack, tmp_path_factory):
    """The environment of a ``ytarchive`` command run by hand: its own config folder, the test stack's URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YTARCHIVE_")}
    env.update({"YTARCHIVE_CONFIG_DIR": str(tmp_path_factory.mktemp("cli-config")),
                "YTARCHIVE_URL": stack.base_url})
    return env


@pytest.fixture(scope="module")
def logged_in(cli_env):
    """``cli_env`` after ``ytarchive login`` as the admin (the token saved 0600 in a 0700 folder)."""
    import stat

    from tests.harness import cli

    out = cli(cli_env, "login", "--username", ADMIN["username"], "--password-stdin", stdin=ADMIN["password"] + "\n")
    token_file = Path(cli_env["YTARCHIVE_CONFIG_DIR"]) / "token"
    assert "logged in" in out.stdout
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    return cli_env
