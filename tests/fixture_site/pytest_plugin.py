"""pytest fixtures for the offline fixture site.

Enable with ``pytest_plugins = ["tests.fixture_site.pytest_plugin"]`` in the top-level conftest.

Importing this module puts ``tests/ytdlp_plugins`` on ``sys.path``, because yt-dlp loads its
plugins once per process, when the first ``YoutubeDL`` is constructed; doing it at plugin-import
time guarantees that happens before any test (or product code under test) creates one.
Subprocesses (a yt-dlp CLI, a worker) need ``plugin_env()`` instead.

Fixtures (session-scoped; resetting counters between tests is the test's business)::

    fixture_media  dict from media.build_media(): {"media_dir", "videos", "avatars"}
    fixture_site   a started FixtureSite (``.base_url``, ``.request_count()``, ``.reset()``...)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .media import build_media
from .server import FixtureSite

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_ENV = "YTARCHIVE_TEST_CACHE"


def plugin_dir() -> Path:
    """The directory to put on ``sys.path``/``PYTHONPATH`` so yt-dlp finds our extractors."""
    return Path(__file__).resolve().parents[1] / "ytdlp_plugins"


def ensure_plugin_path() -> None:
    """Put ``plugin_dir()`` on ``sys.path`` (idempotent); see the module docstring for timing."""
    path = str(plugin_dir())
    if path not in sys.path:
        sys.path.insert(0, path)


def plugin_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default ``os.environ``) with ``plugin_dir()`` prepended to PYTHONPATH."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(plugin_dir()), env.get("PYTHONPATH")]))
    return env


def media_cache_dir() -> Path:
    """``$YTARCHIVE_TEST_CACHE`` if set, else ``<repo>/.cache/fixture-media``."""
    return Path(os.environ.get(CACHE_ENV) or REPO_ROOT / ".cache" / "fixture-media")


ensure_plugin_path()


@pytest.fixture(scope="session")
def fixture_media() -> dict:
    return build_media(media_cache_dir())


@pytest.fixture(scope="session")
def fixture_site(fixture_media: dict) -> Iterator[FixtureSite]:
    site = FixtureSite(fixture_media["media_dir"]).start()
    try:
        yield site
    finally:
        site.stop()
