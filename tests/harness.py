"""Real processes for tests: a redis-server, the whole app as `make run` starts it, an API client.

Nothing is mocked: Redis, gunicorn, the Celery workers, beat and yt-dlp are the
real programs, talking over loopback to each other and to the fixture site.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import redis
import requests

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str, poll: float = 0.2):
    """Poll ``condition`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as exc:  # not ready yet
            last_error = exc
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_error})")


class RedisServer:
    """A private redis-server with AOF on, in its own folder, restartable on the same port."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.workdir),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, start_new_session=True,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(client.ping, 10, "redis-server to answer")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class Process:
    """One long-running command in its own process group, restartable, logging to a file."""

    def __init__(self, command: list[str], env: dict, log_path: Path):
        self.command, self.env, self.log_path = command, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> Process:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 40) -> int | None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode if self.proc else None


class AppStack:
    """The app as `make run` starts it (config.launch), in its own process group.

    The control worker runs beside it as its own process, so fault tests can
    stop and start it without stopping everything (honcho stops all processes
    when one exits).
    """

    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.base_url = f"http://127.0.0.1:{env['PORT']}"
        self.control = Process([sys.executable, "-m", "config.respawn", "--",
                                sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "control",
                                "-c", "2", "-n", "control@%h", "-l", "INFO", "--without-gossip"],
                               env, log_path.with_name("control.log"))

    def manage(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=self.env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self) -> AppStack:
        self.manage("migrate", "--noinput")
        self.manage("ensure_admin")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "config.launch", "web", "beat", "scaler"],
                                     cwd=REPO, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.control.start()
        wait_for(lambda: requests.get(f"{self.base_url}/health", timeout=2).ok, 60, "the web server")
        return self

    def stop(self) -> None:
        self.control.stop()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


class Api:
    """requests against the app with a token, failing loudly on unexpected status codes."""

    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, expect: int | tuple = 200, **kwargs):
        response = self.session.request(method, self.base_url + path, timeout=60, **kwargs)
        expected = expect if isinstance(expect, tuple) else (expect,)
        assert response.status_code in expected, (method, path, response.status_code, response.text[:2000])
        return response.json() if response.content and "json" in response.headers.get("content-type", "") \
            else response

    def get(self, path, expect=200, **kw):
        return self.call("GET", path, expect, **kw)

    def post(self, path, expect=200, **kw):
        return self.call("POST", path, expect, **kw)

    def videos(self, channel_id: str) -> list[dict]:
        items, page = [], f"/api/videos/?channel={channel_id}&page_size=500"
        while page:
            body = self.get(page)
            items += body["results"]
            page = body["next"] and body["next"].replace(self.base_url, "")
        return items

    def wait_settled(self, channel_id: str, timeout: float = 240) -> dict:
        """Wait until no sync runs and nothing is pending or downloading; returns the progress."""
        def settled():
            p = self.get(f"/api/channels/{channel_id}/progress/")
            sync = p.get("sync") or {}
            if sync.get("status") in ("queued", "running"):
                return None
            return p if p["total"] and p["pending"] == 0 and p["processing"] == 0 else None
        return wait_for(settled, timeout, f"channel {channel_id} to settle", poll=0.5)
