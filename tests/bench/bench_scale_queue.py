"""`make bench-scale`: how fast today's queueing puts a backlog on the queue, and what Redis holds then.

Run as ``python -m tests.bench.bench_scale_queue CHANNELS VIDEOS`` with DATA_DIR (DATABASE_URL for
PostgreSQL) and REDIS_URL (a real redis-server of its own) in the environment: seeds CHANNELS x VIDEOS
videos that wait for their first download (tests.bench.bench_scale_seed ``--all-new``), then queues every
one through ``downloads_app.queueing.queue_new_videos`` (the path a sync takes), channel by channel, into
the real broker. Prints one JSON line: videos queued, seconds, and Redis's ``used_memory`` before and after.

This measures the code as it is (every waiting video a message in Redis). Once the feeder keeps the backlog
in the database, tests/bench/backlog_bench.py measures it instead (bench_scale.feeder_figures).
"""
from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command

    from tests.bench.bench_scale_seed import channel_id, seed

    channels, videos = int(argv[0]), int(argv[1])
    call_command("migrate", verbosity=0, interactive=False)
    seeded = seed(channels, videos, videos, all_new=True)
    from downloads_app import queueing

    r = redis.Redis.from_url(settings.REDIS_URL)
    r.flushdb()
    before = r.info("memory")["used_memory"]
    started = time.perf_counter()
    queued = sum(queueing.queue_new_videos(channel_id(c)) for c in range(channels))
    seconds = time.perf_counter() - started
    after = r.info("memory")["used_memory"]
    print(json.dumps({"queued": queued, "seconds": round(seconds, 2), "seed_seconds": seeded["seed_seconds"],
                      "redis_used_before": before, "redis_used_after": after,
                      "broker_messages": int(r.llen("downloads"))}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
