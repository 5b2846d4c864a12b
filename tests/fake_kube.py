"""A small fake of the Kubernetes batch/v1 Jobs API, driven by the official client in tests.

It keeps Jobs in memory, filters lists by equality label selectors, names
Jobs from ``generateName``, and lets a test mark a Job finished.
"""
from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeKube:
    def __init__(self):
        self.jobs: dict[str, dict] = {}
        self.snapshots: dict[str, dict] = {}
        self.created = 0
        self.requests: list[tuple[str, str]] = []
        #: Answer the next request of a method with this status (an RBAC 403, a 409, a 500), then recover.
        self.fail_next: dict[str, int] = {}
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _failing(self, method) -> bool:
                code = fake.fail_next.pop(method, None)
                if code:
                    self._send(code, {"kind": "Status", "status": "Failure", "code": code, "message": "injected"})
                return bool(code)

            def _store(self):
                return fake.snapshots if "/volumesnapshots" in self.path else fake.jobs

            def do_DELETE(self):
                fake.requests.append(("DELETE", self.path))
                name = urlsplit(self.path).path.rsplit("/", 1)[1]
                with fake.lock:
                    gone = self._store().pop(name, None)
                self._send(200 if gone else 404, {"kind": "Status", "status": "Success" if gone else "Failure"})

            def do_GET(self):
                fake.requests.append(("GET", self.path))
                if self._failing("GET"):
                    return
                parts = urlsplit(self.path)
                namespace = parts.path.split("/")[5]
                selector = parse_qs(parts.query).get("labelSelector", [""])[0]
                wanted = dict(pair.split("=", 1) for pair in selector.split(",") if pair)
                with fake.lock:
                    items = [job for job in self._store().values() if job["metadata"]["namespace"] == namespace
                             and all(job["metadata"].get("labels", {}).get(k) == v for k, v in wanted.items())]
                self._send(200, {"apiVersion": "batch/v1", "kind": "JobList", "metadata": {}, "items": items})

            def do_POST(self):
                fake.requests.append(("POST", self.path))
                if self._failing("POST"):
                    self.rfile.read(int(self.headers["Content-Length"]))
                    return
                namespace = urlsplit(self.path).path.split("/")[5]
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                meta = body.setdefault("metadata", {})
                if meta.get("namespace", namespace) != namespace:
                    self._send(400, {"kind": "Status", "message": "namespace mismatch"})
                    return
                meta["name"] = meta.get("name") or meta.pop("generateName", "job-") + uuid.uuid4().hex[:5]
                with fake.lock:
                    fake.created += 1
                    meta.update(namespace=namespace, uid=str(uuid.uuid4()),
                                creationTimestamp=f"2026-01-01T00:00:{fake.created:02d}Z")
                    body["status"] = {"active": 1}
                    self._store()[meta["name"]] = body
                self._send(201, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def finish(self, name: str, condition: str = "Complete") -> None:
        with self.lock:
            self.jobs[name]["status"] = {"conditions": [{"type": condition, "status": "True"}]}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
