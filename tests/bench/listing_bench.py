"""Benchmark: one full sync (listing + batched upserts + queueing) of a big fixture channel.

Run as ``python -m tests.bench.listing_bench N``: a fresh SQLite database (WAL,
as in production), a private redis-server, the fixture site serving
``chan-big-N``, and the real sync service with real yt-dlp. Prints one JSON
line: seconds, videos per second, and peak RSS of this process.

Peak RSS is the process's own VmHWM, not ``getrusage``'s ``ru_maxrss``: Linux carries
``ru_maxrss`` across exec, so a child of a big pytest process would report its parent's peak.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(n: int) -> dict:
    run_dir = Path(tempfile.mkdtemp(prefix="ytarchive-bench-"))
    from tests.harness import RedisServer

    redis_server = RedisServer(run_dir / "redis").start()
    os.environ.update({
        "DATA_DIR": str(run_dir / "data"), "ARCHIVE_ROOT": str(run_dir / "archive"),
        "REDIS_URL": redis_server.url, "YTARCHIVE_ALLOW_PRIVATE_URLS": "true",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    })
    from tests.fixture_site.pytest_plugin import ensure_plugin_path, media_cache_dir

    ensure_plugin_path()
    import django

    django.setup()
    from django.core.management import call_command

    from channels_app.services import add_channel, request_sync
    from channels_app.sync import run_sync
    from tests.fixture_site.media import build_media
    from tests.fixture_site.server import FixtureSite

    call_command("migrate", verbosity=0)
    site = FixtureSite(build_media(media_cache_dir())["media_dir"]).start()
    try:
        channel = add_channel(f"{site.base_url}/channel/chan-big-{n}")
        job = request_sync(channel, full=True)
        rss_before = peak_rss_kib()
        started = time.perf_counter()
        job = run_sync(job.pk)
        seconds = time.perf_counter() - started
        rss_after = peak_rss_kib()
    finally:
        site.stop()
        redis_server.stop()
    assert job.status == "succeeded", job.error
    return {
        "videos": n, "status": job.status, "seen": job.videos_seen, "queued": job.videos_queued,
        "seconds": round(seconds, 2), "videos_per_second": round(n / seconds),
        "peak_rss_mib": round(rss_after / 1024, 1), "rss_growth_mib": round((rss_after - rss_before) / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))), flush=True)
