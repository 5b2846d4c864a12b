"""Imported first by tests/conftest.py, before pytest-django sets Django up.

Points every setting the app reads at this run's own temporary folders and a
private Redis port, so no test touches a developer's data or Redis. With
YTARCHIVE_TEST_DATABASE=postgres, a private PostgreSQL server starts here
(tests/postgres_server.py) and DATABASE_URL points at it.
"""
import atexit
import os
import socket
import tempfile
from pathlib import Path

from tests.harness import free_port

RUN_DIR = Path(tempfile.mkdtemp(prefix="ytarchive-test-"))
REDIS_PORT = free_port()
# YTARCHIVE_TEST_REDIS=down: the app's REDIS_URL names a port nothing listens on (the tests' own
# redis-server still runs, for the tests' own checks), so every Redis call the app makes really fails.
REDIS_DOWN = os.environ.get("YTARCHIVE_TEST_REDIS") == "down"
APP_REDIS_PORT = REDIS_PORT

def _closed_port() -> tuple[socket.socket, int]:
    """A port held bound but never listening, for the whole run: connections to it are refused. Linux may
    hand out a port another process listens on (a parent run's redis-server): such a port is passed over."""
    while True:
        held = socket.socket()
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            return held, port
        held.close()


if REDIS_DOWN:
    _CLOSED, APP_REDIS_PORT = _closed_port()
os.environ.update({
    "DATA_DIR": str(RUN_DIR / "data"),
    "ARCHIVE_ROOT": str(RUN_DIR / "archive"),
    "STATIC_ROOT": str(RUN_DIR / "static"),
    "REDIS_URL": f"redis://127.0.0.1:{APP_REDIS_PORT}/0",
    "YTARCHIVE_ALLOW_PRIVATE_URLS": "true",
    "YTARCHIVE_RETRY_BASE_SECONDS": "1",
    "YTARCHIVE_SOCKET_TIMEOUT": "10",
    "YTARCHIVE_HTTP_RETRIES": "2",
    # The suite's own clients write a lot; tests/unit/test_hostile_input.py checks the throttles at low rates.
    "YTARCHIVE_THROTTLE_TOKEN": "1000/minute",
    "YTARCHIVE_THROTTLE_WRITES": "100000/minute",
})
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
(RUN_DIR / "static").mkdir()
for name in ("DATABASE_URL", "DJANGO_SECRET_KEY", "YTARCHIVE_SCALER"):
    os.environ.pop(name, None)

POSTGRES = None
if os.environ.get("YTARCHIVE_TEST_DATABASE", "sqlite") == "postgres":
    from tests.postgres_server import PostgresServer

    RUN_DIR.chmod(0o755)  # the postgres user reaches its cluster inside
    POSTGRES = PostgresServer(RUN_DIR / "postgres", free_port()).start()
    atexit.register(POSTGRES.stop)
    os.environ["DATABASE_URL"] = POSTGRES.url()


def database_url_for(name: str) -> str | None:
    """A database of its own for a stack named ``name``: a fresh PostgreSQL database, or None for SQLite
    (the stack's DATA_DIR holds it)."""
    return POSTGRES.create_database(name) if POSTGRES else None

import django  # noqa: E402  (only after the environment above is in place)

django.setup()
