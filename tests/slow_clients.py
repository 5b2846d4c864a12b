"""Slow readers of a large archived video against the web program as ``make run`` starts it.

Shared by tests/integration/test_slow_readers.py and tests/bench/slow_clients.py.
``WebServer`` runs the real gunicorn command line of config.launch.processes()
(the web program alone, with its own DATA_DIR and archive) and a logged-in
session cookie; ``SlowReader`` is a raw socket with a small receive buffer
that reads at a fixed rate, so the server's send blocks as a phone's would;
``HealthPoller`` asks /health over fresh connections and keeps each latency.
"""
from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from tests.harness import REPO, Process, free_port, wait_for

CHANNEL, VIDEO = "site-slow", "bigvideo"
MEDIA_PATH = f"/media/{CHANNEL}/{VIDEO}/video.mp4"
_LOGIN = """
from django.contrib.auth.models import User
from django.test import Client
user, _ = User.objects.get_or_create(username="viewer")
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


def make_large_video(archive_root: Path, size: int) -> Path:
    """A sparse ``size``-byte video.mp4 of an archived video (instant to make, no disk used)."""
    from archiver import tree

    folder = tree.video_dir(archive_root, CHANNEL, VIDEO)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "video.mp4"
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


class WebServer:
    """The web program of ``make run`` alone (config.launch's command line), on 127.0.0.1."""

    def __init__(self, workdir: Path, video_size: int, extra_env: dict[str, str] | None = None):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port),
                    "DATA_DIR": str(self.workdir / "data"), "ARCHIVE_ROOT": str(self.workdir / "archive"),
                    "PROMETHEUS_MULTIPROC_DIR": str(self.workdir / "metrics"), **(extra_env or {})}
        for name in ("DATA_DIR", "ARCHIVE_ROOT", "PROMETHEUS_MULTIPROC_DIR"):
            Path(self.env[name]).mkdir(parents=True, exist_ok=True)
        self.video = make_large_video(Path(self.env["ARCHIVE_ROOT"]), video_size)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "web.log"
        self.process: Process | None = None
        self.cookie = ""

    def command(self) -> list[str]:
        """The web program's command line, as config.launch builds it for supervisord (Django is set up)."""
        from config.launch import processes

        return shlex.split(processes(self.env, Path(self.env["DATA_DIR"]))["web"])

    def prepare(self) -> str:
        """Migrate this server's database and log a viewer in: the session cookie."""
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=REPO, env=self.env, check=True,
                       timeout=300)
        out = subprocess.run([*manage, "shell", "-c", _LOGIN], cwd=REPO, env=self.env, check=True,
                             capture_output=True, text=True, timeout=120)
        return out.stdout.strip().splitlines()[-1]

    def start(self, prepared: tuple[Path, str] | None = None) -> WebServer:
        """Start gunicorn; ``prepared`` (a DATA_DIR another server prepared, its cookie) saves a migrate."""
        if prepared:
            shutil.copytree(prepared[0], self.env["DATA_DIR"], dirs_exist_ok=True)
            self.cookie = prepared[1]
        else:
            self.cookie = self.prepare()
        self.process = Process(self.command(), self.env, self.log_path).start()
        wait_for(lambda: requests.get(f"{self.base_url}/health", timeout=5).ok, 90, "the web server")
        return self

    def stop(self) -> None:
        if self.process:
            self.process.stop()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


class SlowReader(threading.Thread):
    """GET ``path``, read the body at ``rate`` bytes/s for ``seconds``, then ``then_read`` bytes at full speed.

    The fast read at the end proves the transfer still runs: a server that gave
    up meanwhile leaves at most its socket buffers (a few MB) to read, then EOF.
    """

    def __init__(self, server: WebServer, rate: int, seconds: float, then_read: int = 0,
                 path: str = MEDIA_PATH):
        super().__init__(daemon=True)
        self.server, self.rate, self.seconds, self.path = server, rate, seconds, path
        self.then_read = then_read
        self.status = 0
        self.headers = ""
        self.body_bytes = 0
        self.cut = False  # the server closed the connection before we stopped reading
        self.error = ""
        self.head_received = threading.Event()
        self.halt = threading.Event()  # set: stop reading and close (the test is done with this reader)

    def run(self) -> None:
        try:
            self._read()
        except OSError as exc:
            self.error = repr(exc)
            self.cut = True
        finally:
            self.head_received.set()

    def _read(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)  # the kernel keeps little for us
        sock.settimeout(30)
        sock.connect(("127.0.0.1", self.server.port))
        sock.sendall((f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Cookie: sessionid={self.server.cookie}\r\nConnection: close\r\n\r\n").encode())
        with sock:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    self.cut = True
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            self.headers = head.decode(errors="replace")
            self.status = int(self.headers.split(" ", 2)[1])
            self.body_bytes = len(rest)
            self.head_received.set()
            if self.status != 200:
                return
            started = time.monotonic()
            while (elapsed := time.monotonic() - started) < self.seconds and not self.halt.is_set():
                allowed = int(self.rate * elapsed) - self.body_bytes
                if allowed <= 0:
                    time.sleep(0.05)  # pacing: this is what a slow reader is
                    continue
                chunk = sock.recv(min(allowed, 16 * 1024))
                if not chunk:
                    self.cut = True
                    return
                self.body_bytes += len(chunk)
            target = self.body_bytes + self.then_read
            while self.body_bytes < target:
                chunk = sock.recv(min(256 * 1024, target - self.body_bytes))
                if not chunk:
                    self.cut = True
                    return
                self.body_bytes += len(chunk)


class HealthPoller(threading.Thread):
    """GET /health every ``interval`` seconds over a fresh connection until stopped; latencies in ms."""

    def __init__(self, base_url: str, interval: float = 0.1, timeout: float = 10):
        super().__init__(daemon=True)
        self.base_url, self.interval, self.timeout = base_url, interval, timeout
        self.latencies_ms: list[float] = []
        self.failures: list[str] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            started = time.perf_counter()
            try:
                answer = requests.get(f"{self.base_url}/health", timeout=self.timeout)
                if answer.status_code != 200:
                    self.failures.append(f"HTTP {answer.status_code}")
            except requests.RequestException as exc:
                self.failures.append(repr(exc))
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=self.timeout + 5)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
