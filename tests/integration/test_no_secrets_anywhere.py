"""No secret in a task argument, a log line or a Flower page (issue 22, item 2).

The whole stack as ``make run`` starts it (web, control, beat, Flower, the scaler and its download
workers, its own Redis with a password), given known secrets: a channel's cookies file with a unique
cookie, a global Apprise URL with a password, an egress proxy with a password (a small forwarding
proxy on 127.0.0.1 that asks for it, so every download goes through it), the admin's password, an API
token, Flower's login, Redis's generated password and Django's secret key. A members channel is
synced (downloads with the cookies, through the proxy) and a notification is sent; then Flower's API
and pages, the broker's queues and unacked messages, every log the run wrote and the archive's text
files (yt-dlp's info.json, the NFO files) are searched for each secret.

Flower must have seen ``download_video`` and ``send_notification`` first: a Flower that shows no
download proves nothing (task events are on for every worker: config/settings.py).
"""
from __future__ import annotations

import base64
import http.client
import os
import re
import secrets
import signal
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.env_setup import database_url_for
from tests.fixture_site import catalog
from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import REPO, Api, free_port, wait_for

pytestmark = pytest.mark.integration

DOWNLOAD_TASK = "downloads_app.tasks.download_video"
NOTIFY_TASK = "channels_app.tasks.send_notification"


class ForwardingProxy:
    """An HTTP proxy on 127.0.0.1 that forwards plain-HTTP requests once they carry its login."""

    def __init__(self, user: str, password: str):
        wanted = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.forwarded = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self):
                if self.headers.get("Proxy-Authorization") != wanted:
                    self.send_response(407)
                    self.send_header("Proxy-Authenticate", 'Basic realm="test"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                target = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")}
                upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=60)
                try:
                    upstream.request(self.command, target.path + (f"?{target.query}" if target.query else ""),
                                     body=body, headers=headers)
                    response = upstream.getresponse()
                    data = response.read()
                finally:
                    upstream.close()
                proxy.forwarded += 1
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_HEAD = _forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def unique(label: str) -> str:
    return f"{label}{secrets.token_hex(12)}"


@pytest.fixture
def proxy_password():
    password = unique("proxypass")
    proxy = ForwardingProxy("egress", password)
    yield proxy, password
    proxy.stop()


def test_no_secret_in_flower_the_broker_or_the_logs(tmp_path, fixture_site, notify_sink, proxy_password):
    proxy, proxy_secret = proxy_password
    known = {
        "cookie": unique("cookieval"),
        "apprise": unique("apprisepass"),
        "proxy": proxy_secret,
        "superuser": unique("adminpass"),
        "flower": unique("flowerpass"),
    }
    data_dir = tmp_path / "data"
    port, flower_port = free_port(), free_port()
    env = {k: v for k, v in plugin_env(dict(os.environ)).items()
           if not k.startswith(("DJANGO_SUPERUSER", "REDIS_URL"))}
    env.pop("DATABASE_URL", None)
    if url := database_url_for("no_secrets"):
        env["DATABASE_URL"] = url
    env.update({
        "DATA_DIR": str(data_dir), "ARCHIVE_ROOT": str(tmp_path / "archive"), "STATIC_ROOT": str(tmp_path / "static"),
        "PORT": str(port), "FLOWER_PORT": str(flower_port), "FLOWER_BASIC_AUTH": f"flower:{known['flower']}",
        "DJANGO_SUPERUSER_USERNAME": "owner", "DJANGO_SUPERUSER_PASSWORD": known["superuser"],
        "YTARCHIVE_SCALER": "local", "YTARCHIVE_SCALE_INTERVAL_SECONDS": "0.5",
        "YTARCHIVE_WORKER_IDLE_SECONDS": "20", "YTARCHIVE_SHUTDOWN_GRACE_SECONDS": "5",
        "YTARCHIVE_SPONSORBLOCK_API": fixture_site.base_url, "YTARCHIVE_HISTORY_PAGES_PER_SYNC": "0",
        "YTARCHIVE_NOTIFY_URLS": f"json://user:{known['apprise']}@127.0.0.1:{notify_sink.port}/secrets",
        "YTARCHIVE_NOTIFY_SECONDS": "2",
        "YTARCHIVE_EGRESS_PROXIES": f"http://egress:{proxy_secret}@127.0.0.1:{proxy.port}",
    })
    log_path = tmp_path / "make-run.log"
    with open(log_path, "wb") as log:
        make = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    flower_url = f"http://127.0.0.1:{flower_port}"
    flower = requests.Session()
    flower.auth = ("flower", known["flower"])
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: requests.get(f"{base}/health", timeout=2).ok, 180, "the web server")
        wait_for(lambda: flower.get(f"{flower_url}/api/workers", timeout=5).ok, 120, "Flower")
        assert requests.get(f"{flower_url}/api/tasks", timeout=10).status_code == 401  # Flower asks for its login
        token = requests.post(f"{base}/api/auth/token/", timeout=30,
                              json={"username": "owner", "password": known["superuser"]}).json()["token"]
        known["token"] = token
        known["redis"] = (data_dir / ".redis_password").read_text().strip()
        known["django"] = (data_dir / ".django_secret_key").read_text().strip()
        assert all(len(secret) >= 16 for secret in known.values()), known
        api = Api(base, token)
        mark = notify_sink.mark()
        # Added paused: its one sync runs once its cookies and options are set, under the broker sampler.
        channel = api.post("/api/channels/", expect=201,
                           json={"url": f"{fixture_site.base_url}/@fixturemembers", "paused": True})
        cid = channel["id"]
        cookies = ("# Netscape HTTP Cookie File\n"
                   f"127.0.0.1\tFALSE\t/\tFALSE\t2000000000\t{catalog.MEMBER_COOKIE[0]}\t{catalog.MEMBER_COOKIE[1]}\n"
                   f"127.0.0.1\tFALSE\t/\tFALSE\t2000000000\tsession_probe\t{known['cookie']}\n")
        api.call("PUT", f"/api/channels/{cid}/cookies/", files={"file": ("cookies.txt", cookies.encode())})
        api.call("PATCH", f"/api/channels/{cid}/", json={"tabs": "videos", "sleep_min": 0, "sleep_max": 0})
        # The broker is sampled all along: queued and unacked messages exist only while the work waits or runs.
        sampler = BrokerSampler(log_path, known["redis"])
        api.post(f"/api/channels/{cid}/sync/", expect=202)
        api.wait_settled(cid, timeout=400)
        videos = api.videos(cid)
        members_only = next(v for v in videos if v["video_id"] == catalog.MEMBERS_ID)
        assert members_only["status"] == "archived", members_only  # the cookies reached yt-dlp
        assert proxy.forwarded > 0  # the downloads went through the proxy, with its password
        wait_for(lambda: notify_sink.messages("/secrets", since=mark), 120, "the notification")
        broker = sampler.stop()
        assert any("download_video" in text for text in broker.values()), list(broker)  # a queued download seen

        # Flower saw the downloads and the notification (events are on), then shows no secret anywhere.
        def seen():
            tasks = flower.get(f"{flower_url}/api/tasks", timeout=30).json()
            names = {t.get("name") for t in tasks.values()}
            return {DOWNLOAD_TASK, NOTIFY_TASK} <= names and tasks
        tasks = wait_for(seen, 60, "Flower to show download_video and send_notification")
        assert sum(t.get("name") == DOWNLOAD_TASK for t in tasks.values()) >= len(videos)
        pages = {"/api/tasks": flower.get(f"{flower_url}/api/tasks", timeout=30).text}
        for task_id in tasks:
            for path in (f"/api/task/info/{task_id}", f"/task/{task_id}"):
                response = flower.get(flower_url + path, timeout=30)
                assert response.ok, (path, response.status_code)
                pages[path] = response.text
        download = next(i for i, t in tasks.items() if t.get("name") == DOWNLOAD_TASK)
        assert "cookies_key" in pages[f"/api/task/info/{download}"]  # the message names the cookies' key
        for path in ("/tasks", "/tasks/datatable?draw=1&start=0&length=1000&search%5Bvalue%5D=",
                     "/workers", "/api/workers?refresh=1", "/broker", "/api/queues/length"):
            pages[path] = flower.get(flower_url + path, timeout=60).text
        for worker in flower.get(f"{flower_url}/api/workers", timeout=60).json():
            for path in (f"/worker/{worker}", f"/api/workers?workername={worker}&refresh=1"):
                pages[path] = flower.get(flower_url + path, timeout=60).text
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=90)
    logs = {str(p): p.read_text(errors="replace") for p in [log_path, *data_dir.rglob("*.log")] if p.is_file()}
    assert "download_video" in logs[str(log_path)]  # the download worker's lines are in make run's output
    # The archive (readable by a media server): yt-dlp's info.json, the NFO files, the feeds.
    archived = {str(p): p.read_text(errors="replace") for p in (tmp_path / "archive").rglob("*")
                if p.is_file() and p.suffix in (".json", ".nfo", ".xml", ".txt", ".vtt", ".srt")}
    assert any(name.endswith(".info.json") for name in archived), list(archived)
    logs.update(archived)
    found = [(name, where) for name, secret in known.items()
             for where, text in {**pages, **broker, **logs}.items() if secret in text]
    assert not found, "\n".join(f"{name} secret in {where}" for name, where in found)


class BrokerSampler:
    """Reads every value in make run's Redis twice a second (lists, hashes, sets, strings: the queues, the
    unacked messages, the app's keys), all but the cookies' handover copies, keeping each text seen."""

    def __init__(self, log_path: Path, password: str):
        import redis

        port = int(re.search(r"Redis at redis://:\*\*\*@127\.0\.0\.1:(\d+)/0", log_path.read_text()).group(1))
        self.client = redis.Redis(port=port, password=password)
        self.seen: dict[str, str] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            self.sample()
            if self.done.wait(0.5):
                return

    def stop(self) -> dict[str, str]:
        self.done.set()
        self.thread.join(timeout=30)
        self.sample()
        return self.seen

    def sample(self):
        client = self.client
        for key in client.scan_iter(count=1000):
            name = key.decode(errors="replace")
            if name.startswith("ytarchive:cookies:"):
                continue  # by design: the text handed to a worker (archiver.cookies), in a key named by its hash
            kind = client.type(key).decode()
            if kind == "list":
                values = client.lrange(key, 0, -1)
            elif kind == "hash":
                values = [v for pair in client.hgetall(key).items() for v in pair]
            elif kind == "set":
                values = list(client.smembers(key))
            elif kind == "zset":
                values = client.zrange(key, 0, -1)
            elif kind == "string":
                values = [client.get(key)]
            else:
                continue
            text = "\n".join(v.decode(errors="replace") for v in values if v)
            if text:
                self.seen.setdefault(f"redis {name} ({len(text)} chars, {hash(text)})", text)
