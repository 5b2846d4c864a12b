"""Real processes for tests: a redis-server, the whole app as `make run` starts it, an API client.

Nothing is mocked: Redis, gunicorn, the Celery workers, beat and yt-dlp are the
real programs, talking over loopback to each other and to the fixture site.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import redis
import requests

from config.lanes import LANES

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


class Supervised:
    """One program (or a group: ``control``, every control lane) of the stack's supervisord, stopped and
    started through supervisorctl."""

    def __init__(self, stack: AppStack, name: str, members: tuple[str, ...] = ()):
        self.stack, self.name = stack, name
        self.members = members or (name,)  # supervisorctl's names: "web", "control:outcomes"
        self.log_path = stack.log_path  # supervisord relays every program's lines there

    def stop(self) -> None:
        self.stack.supervisorctl("stop", *self.members)

    def start(self) -> None:
        self.stack.supervisorctl("start", *self.members)

    def pids(self) -> set[int]:
        """The programs' processes and everything below them (a Celery worker's pool children)."""
        found = set()
        for member in self.members:
            main = int(self.stack.supervisorctl("pid", member).strip() or 0)
            found |= {main, *descendants(main)} if main else set()
        return found


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class AppStack:
    """The app as `make run` starts it (config.launch under supervisord), in its own process group.

    Fault tests stop, start or kill single programs (``stack.control``) through
    supervisorctl and /proc, while supervisord keeps the rest running.
    """

    PROGRAMS = ("web", "beat", "scaler", "control")

    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.base_url = f"http://127.0.0.1:{env['PORT']}"
        self.conf = Path(env["DATA_DIR"]) / "supervisor" / "supervisord.conf"
        # Every control lane's worker (config.lanes), as supervisord's group "control" holds them.
        self.control = Supervised(self, "control", tuple(f"control:{lane}" for lane in LANES))

    def lane(self, name: str) -> Supervised:
        """One control lane's worker (syncs, outcomes, maintenance, scaling)."""
        return Supervised(self, f"control:{name}")

    def manage(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=self.env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def supervisorctl(self, *args: str) -> str:
        result = subprocess.run([str(Path(sys.executable).with_name("supervisorctl")), "-c", str(self.conf),
                                 *args], cwd=REPO, env=self.env, capture_output=True, text=True, timeout=90)
        return result.stdout

    def start(self) -> AppStack:
        self.manage("migrate", "--noinput")
        self.manage("ensure_admin")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "config.launch", *self.PROGRAMS],
                                     cwd=REPO, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            wait_for(lambda: requests.get(f"{self.base_url}/health", timeout=2).ok, 120, "the web server")
            wait_for(lambda: self.supervisorctl("status").count("RUNNING") >= len(self.PROGRAMS) + 1, 120,
                     "every program to run")
        except BaseException:
            self.stop()  # a stack that failed to start leaves no process behind
            raise
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
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
        """Wait until no sync runs and nothing waits, downloads or retries, and the catalog has recorded every
        archived video (a worker marks its video archived in live progress before the control side records
        the outcome); returns the progress."""
        last: dict = {}

        def settled():
            p = last["progress"] = self.get(f"/api/channels/{channel_id}/progress/")
            sync = p.get("sync") or {}
            if sync.get("status") in ("queued", "running"):
                return None
            # interrupted: marked downloading, its worker gone (killed, or between its last beat and its
            # outcome): it resumes or is recorded soon, so it is not settled either
            busy = p["new"] + p["queued"] + p["downloading"] + p["retrying"] + p.get("interrupted", 0)
            if not p["total"] or busy:
                return None
            return p if self.get(f"/api/channels/{channel_id}/")["archived_count"] == p["archived"] else None
        try:
            return wait_for(settled, timeout, f"channel {channel_id} to settle", poll=0.5)
        except AssertionError as exc:  # say where it stood, and which videos were still busy
            busy = [(v["video_id"], v["status"], v.get("attempts"), (v.get("last_error") or "")[:200])
                    for v in self.videos(channel_id) if v["status"] not in ("archived", "failed", "skipped")][:20]
            raise AssertionError(f"{exc}; last progress: {last.get('progress')}; busy videos: {busy}") from None


@contextlib.contextmanager
def canary_server():
    """An HTTP server on 127.0.0.1 that records every path asked of it: ``(port, paths)``.

    The address-guard tests point hostile URLs at it and assert it heard nothing.
    """
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


class NotifySink:
    """An HTTP server on 127.0.0.1 that keeps every JSON message posted to it: Apprise's ``json://`` target.

    ``messages(path)`` are the bodies (``{"title", "message", "type", ...}``) posted to ``path``.
    """

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    received.append((self.path, json.loads(body)))
                except ValueError:
                    received.append((self.path, {"raw": body.decode(errors="replace")}))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/all") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def mark(self) -> int:
        """Where the messages received so far end: ``messages(since=mark)`` is what came after."""
        return len(self.received)

    def messages(self, path: str = "/all", since: int = 0) -> list[dict]:
        return [body for where, body in list(self.received)[since:] if where == path]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


YTARCHIVE = Path(sys.executable).with_name("ytarchive")


def cli(env: dict, *args: str, stdin: str = "", expect: int = 0) -> subprocess.CompletedProcess:
    """The installed ``ytarchive`` command; an error exit must be one ``ytarchive: …`` line, never a traceback."""
    result = subprocess.run([str(YTARCHIVE), *args], env=env, input=stdin, capture_output=True, text=True,
                            timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == expect, (args, result.returncode, result.stdout, result.stderr)
    if expect:
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("ytarchive: "), result.stderr
    return result


def download_worker_pids(redis_url: str) -> list[int]:
    """This stack's download workers: `celery … -Q downloads` processes with its REDIS_URL."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if "worker -Q downloads" in cmdline and f"REDIS_URL={redis_url}".encode() in environ:
            pids.append(int(entry.name))
    return pids


def add_fresh(api: Api, url: str) -> dict:
    """Add a channel; if an earlier test added it, delete it with its files first.

    Added without its first sync (``paused``, scheduled syncs on): the test sets the channel up, then syncs
    when it means to (``sync_and_wait_listed``), and counts one sync. tests/integration/test_sync_on_add.py
    covers the add that syncs at once."""
    body = {"url": url, "paused": True, "enabled": True}
    response = api.post("/api/channels/", expect=(201, 409), json=body)
    if isinstance(response, dict) and response.get("id"):
        return response
    channel_id = response["channel"]
    api.call("DELETE", f"/api/channels/{channel_id}/?delete_files=true", expect=204)
    return api.post("/api/channels/", expect=201, json=body)


def sync_and_wait_listed(api: Api, channel_id: str) -> dict:
    job = api.post(f"/api/channels/{channel_id}/sync/", expect=202)
    done = wait_for(lambda: (j := api.get(f"/api/syncs/{job['id']}/"))["status"] in ("succeeded", "failed")
                    and j, 120, "the sync to finish")
    assert done["status"] == "succeeded", done
    return done
