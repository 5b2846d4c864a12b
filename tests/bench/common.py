"""Shared by the `make bench` benchmarks: a throttled fixture site, a `make run` stack with its
defaults, peak-RSS sampling of download workers, and figure printing.

Settings are read from the environment only (nothing here imports the download worker), so the
same benchmarks measure today's code and whatever the branch under test has.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from tests.fixture_site.pytest_plugin import plugin_env
from tests.fixture_site.server import FixtureSite
from tests.harness import REPO, AppStack, free_port

MIB = 1024 * 1024
#: What issue 9 measures against: video sites cap each connection and answer after a while.
MEDIA_RATE = int(float(os.environ.get("YTARCHIVE_BENCH_RATE_MIB", "1")) * MIB)
FIRST_BYTE_DELAY = float(os.environ.get("YTARCHIVE_BENCH_FIRST_BYTE_MS", "50")) / 1000
#: Videos of the end-to-end channel (``chan-bench-N``).
BENCH_VIDEOS = int(os.environ.get("YTARCHIVE_BENCH_VIDEOS", "60"))
ADMIN = {"username": "owner", "password": "owner-bench-password-1"}
#: The settings the test harness puts in os.environ (env_setup.py) are NOT make run's defaults.
_KEEP = {"YTARCHIVE_ALLOW_PRIVATE_URLS"}


def figure(name: str, value) -> None:
    """One machine-readable ``name: value`` line (what the lead copies into the README)."""
    if isinstance(value, float):
        value = round(value, 3 if abs(value) < 10 else 2)
    print(f"{name}: {value}", flush=True)


def human(text: str) -> None:
    print(f"BENCH {text}", flush=True)


@contextmanager
def throttled_site(media_dir: Path, rate: int = MEDIA_RATE, first_byte_delay: float = FIRST_BYTE_DELAY):
    """A fixture site of its own (the session's stays unthrottled), bench media built up front."""
    site = FixtureSite(media_dir).start()
    site.media_rate, site.first_byte_delay = rate, first_byte_delay
    from tests.fixture_site import catalog

    site.bench_mp4(catalog.get_video("bench-1-00001"))  # ffmpeg runs now, not inside a timing
    try:
        yield site
    finally:
        site.stop()


def default_stack_env(run_dir: Path) -> dict:
    """The environment of `make run` with every knob at its default.

    Only what any installation sets is given: its folders, ports, the first admin, and leave to
    download from 127.0.0.1 (the fixture site). REDIS_URL names a free port, so config.launch
    starts its own redis-server there, exactly as `make run` does without a Redis.
    """
    env = {k: v for k, v in plugin_env().items() if not k.startswith("YTARCHIVE_") or k in _KEEP}
    for name in ("DATABASE_URL", "DJANGO_SECRET_KEY", "WEB_CONCURRENCY"):
        env.pop(name, None)
    env.update({
        "PORT": str(free_port()),
        "FLOWER_PORT": str(free_port()),
        "DATA_DIR": str(run_dir / "data"),
        "ARCHIVE_ROOT": str(run_dir / "archive"),
        "STATIC_ROOT": str(run_dir / "static"),
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "YTARCHIVE_ALLOW_PRIVATE_URLS": "true",
        "DJANGO_SUPERUSER_USERNAME": ADMIN["username"],
        "DJANGO_SUPERUSER_PASSWORD": ADMIN["password"],
    })
    (run_dir / "static").mkdir(parents=True, exist_ok=True)
    return env


class MakeRunStack(AppStack):
    """Every program `make run` starts (Flower too), under config.launch's supervisord."""

    PROGRAMS = ("web", "beat", "scaler", "control", "flower")


def effective_settings(env: dict) -> dict:
    """``settings.YTARCHIVE`` as the stack sees it (whatever knobs the code under test has)."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.YTARCHIVE, default=str))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {}


def knobs(settings: dict) -> str:
    """The settings that decide download concurrency, for the human line."""
    keys = [k for k in settings if any(w in k for w in ("WORKER", "DOWNLOADS", "PER_SITE", "SCALE", "CONCURRENCY"))]
    return ", ".join(f"{k}={settings[k]}" for k in sorted(keys))


def vm_hwm_kib(pid: int) -> int:
    """Peak resident set (VmHWM) of a process, in KiB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class WorkerRssSampler(threading.Thread):
    """Samples the peak RSS of this stack's download workers while they run."""

    def __init__(self, redis_url: str, period: float = 0.3):
        super().__init__(daemon=True, name="worker-rss")
        self.redis_url, self.period = redis_url, period
        self.peak_kib: dict[int, int] = {}
        self.stopped = threading.Event()

    def run(self) -> None:
        from tests.integration.test_faults import download_worker_pids

        last_scan = 0.0
        while not self.stopped.wait(self.period):
            if time.monotonic() - last_scan > 1.5:
                for pid in download_worker_pids(self.redis_url):
                    self.peak_kib.setdefault(pid, 0)
                last_scan = time.monotonic()
            for pid in list(self.peak_kib):
                self.peak_kib[pid] = max(self.peak_kib[pid], vm_hwm_kib(pid))

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_kib.values(), default=0) / 1024
