"""Imported first by tests/conftest.py, before pytest-django sets Django up.

Points every setting the app reads at this run's own temporary folders and a
private Redis port, so no test touches a developer's data or Redis.
"""
import os
import tempfile
from pathlib import Path

from tests.harness import free_port

RUN_DIR = Path(tempfile.mkdtemp(prefix="ytarchive-test-"))
REDIS_PORT = free_port()
os.environ.update({
    "DATA_DIR": str(RUN_DIR / "data"),
    "ARCHIVE_ROOT": str(RUN_DIR / "archive"),
    "STATIC_ROOT": str(RUN_DIR / "static"),
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "YTARCHIVE_ALLOW_PRIVATE_URLS": "true",
    "YTARCHIVE_RETRY_BASE_SECONDS": "1",
    "YTARCHIVE_SOCKET_TIMEOUT": "10",
    "YTARCHIVE_HTTP_RETRIES": "2",
})
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
(RUN_DIR / "static").mkdir()
for name in ("DATABASE_URL", "DJANGO_SECRET_KEY", "YTARCHIVE_SCALER"):
    os.environ.pop(name, None)

import django  # noqa: E402  (only after the environment above is in place)

django.setup()
