"""Slow readers of a large video never starve /health, and no timeout cuts a long transfer (issue 21).

The web program runs as ``make run`` starts it (config.launch's gunicorn
command line) on 127.0.0.1 with a sparse 300 MB video in its archive. Eight
readers read it at 16 KB/s, with sockets whose small receive buffer makes the
server's send block, while /health is polled. WEB_TIMEOUT is 4 s and the
readers read for 10 s, then 16 MB at full speed: a worker timeout would have
cut them (the sync workers of before were killed after --timeout, and
2 of them left /health unanswered while 2 readers read). A second server with
one worker of 4 threads (2 stream slots) shows that readers beyond the slots
get an immediate 503 with Retry-After instead of taking the threads /health
needs. RFC 9110 validators, conditionals and ranges are checked over real HTTP.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.harness import wait_for
from tests.slow_clients import MEDIA_PATH, HealthPoller, SlowReader, WebServer

SIZE = 300 * 1024 * 1024
RATE = 16 * 1024


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """One migrated database with a logged-in viewer, copied by each server (a migrate is slow)."""
    workdir = tmp_path_factory.mktemp("prepared")
    return Path(WebServer(workdir, 0).env["DATA_DIR"]), WebServer(workdir, 0).prepare()


def run_readers(server: WebServer, count: int, seconds: float, then_read: int = 0):
    health = HealthPoller(server.base_url, interval=0.1)
    readers = [SlowReader(server, RATE, seconds, then_read) for _ in range(count)]
    health.start()
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(timeout=seconds + 120)
    health.stop()
    return readers, health


def test_slow_readers_never_starve_health_and_are_not_cut(tmp_path, prepared):
    server = WebServer(tmp_path, SIZE, {"WEB_TIMEOUT": "4"}).start(prepared)
    try:
        readers, health = run_readers(server, 8, seconds=10, then_read=16 * 1024 * 1024)
        log = server.log_tail()
    finally:
        server.stop()
    assert not health.failures, (health.failures[:5], log)
    assert len(health.latencies_ms) >= 20, health.latencies_ms  # /health kept answering the whole time
    assert max(health.latencies_ms) < 2000, (sorted(health.latencies_ms)[-5:], log)
    for reader in readers:
        assert reader.status == 200 and not reader.cut, (reader.status, reader.error, reader.body_bytes, log)
        assert reader.body_bytes >= 16 * 1024 * 1024 + 8 * RATE, reader.body_bytes
    assert "WORKER TIMEOUT" not in log


def test_readers_beyond_the_stream_slots_are_told_to_retry(tmp_path, prepared):
    server = WebServer(tmp_path, SIZE, {"WEB_CONCURRENCY": "1", "WEB_THREADS": "4"}).start(prepared)  # 2 slots
    try:
        streaming = [SlowReader(server, RATE, seconds=30) for _ in range(2)]
        for reader in streaming:
            reader.start()
            assert reader.head_received.wait(60) and reader.status == 200, (reader.status, reader.error)
        turned_away = [SlowReader(server, RATE, seconds=1) for _ in range(4)]
        for reader in turned_away:
            reader.start()
        for reader in turned_away:
            reader.join(timeout=60)
            assert reader.status == 503 and "Retry-After: 5" in reader.headers, reader.headers
        # Every thread not streaming still answers, however many readers wait.
        for _ in range(5):
            assert requests.get(f"{server.base_url}/health", timeout=5).status_code == 200
        session = requests.Session()
        session.cookies.set("sessionid", server.cookie)
        assert session.get(f"{server.base_url}/", timeout=10).status_code == 200
        # HEAD takes no slot.
        head = session.head(server.base_url + MEDIA_PATH, timeout=10)
        assert head.status_code == 200 and head.headers["Content-Length"] == str(SIZE)
        for reader in streaming:
            reader.halt.set()
            reader.join(timeout=30)
            assert not reader.cut and reader.body_bytes > 0, (reader.error, reader.body_bytes)
        # The slots came back with the closed connections: a new reader streams.
        again = wait_for(lambda: _first_status(server) == 200, 30, "a stream slot to be free again")
        assert again
    finally:
        server.stop()


def _first_status(server: WebServer) -> int:
    reader = SlowReader(server, RATE, seconds=0)
    reader.run()
    return reader.status


def test_validators_conditionals_and_ranges_over_http(tmp_path, prepared):
    server = WebServer(tmp_path, 1024 * 1024).start(prepared)
    try:
        server.video.write_bytes(bytes(range(256)) * 4096)  # 1 MiB of known bytes
        http = requests.Session()
        http.cookies.set("sessionid", server.cookie)
        url = server.base_url + MEDIA_PATH
        whole = http.get(url, timeout=30)
        assert whole.status_code == 200 and whole.content == bytes(range(256)) * 4096
        tag, modified = whole.headers["ETag"], whole.headers["Last-Modified"]
        assert tag.startswith('"') and whole.headers["Accept-Ranges"] == "bytes"
        assert whole.headers["Content-Length"] == str(1024 * 1024)

        head = http.head(url, timeout=30)
        assert head.status_code == 200 and head.content == b"" and head.headers["ETag"] == tag
        assert head.headers["Content-Length"] == str(1024 * 1024)

        not_modified = http.get(url, headers={"If-None-Match": tag}, timeout=30)
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified.headers["ETag"] == tag
        assert http.get(url, headers={"If-Modified-Since": modified}, timeout=30).status_code == 304
        assert http.get(url, headers={"If-None-Match": '"other"'}, timeout=30).status_code == 200

        part = http.get(url, headers={"Range": "bytes=256-511"}, timeout=30)
        assert part.status_code == 206 and part.content == bytes(range(256))
        assert part.headers["Content-Range"] == f"bytes 256-511/{1024 * 1024}"
        suffix = http.get(url, headers={"Range": "bytes=-10"}, timeout=30)
        assert suffix.status_code == 206 and suffix.content == bytes(range(246, 256))
        kept = http.get(url, headers={"Range": "bytes=0-9", "If-Range": tag}, timeout=30)
        assert kept.status_code == 206 and kept.content == bytes(range(10))
        by_date = http.get(url, headers={"Range": "bytes=0-9", "If-Range": modified}, timeout=30)
        assert by_date.status_code == 206
        changed = http.get(url, headers={"Range": "bytes=0-9", "If-Range": '"older"'}, timeout=30)
        assert changed.status_code == 200 and len(changed.content) == 1024 * 1024
        several = http.get(url, headers={"Range": "bytes=0-1,5-6"}, timeout=30)
        assert several.status_code == 200 and len(several.content) == 1024 * 1024
        past = http.get(url, headers={"Range": f"bytes={1024 * 1024}-"}, timeout=30)
        assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{1024 * 1024}"

        # The file replaced (as the archive does: a new file renamed into place) has a new tag.
        replacement = server.video.with_name("video.mp4.new")
        replacement.write_bytes(b"new bytes")
        replacement.replace(server.video)
        fresh = wait_for(lambda: http.get(url, headers={"If-None-Match": tag}, timeout=30), 10, "the new file")
        assert fresh.status_code == 200 and fresh.content == b"new bytes" and fresh.headers["ETag"] != tag
    finally:
        server.stop()
