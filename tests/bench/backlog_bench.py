"""Benchmark (issue 21, item 5): Redis memory with a million videos waiting, and the queueing rate.

Run as ``python -m tests.bench.backlog_bench [--videos 1000000] [--queue 100000]``: a fresh SQLite
database (WAL, as in production) in a temporary DATA_DIR, a private redis-server, and the real
queueing, feeding and scaling code. Prints ``name: value`` lines:

* ``redis_mb_1m_backlog``: Redis ``used_memory`` (MiB) with the videos waiting (queued in the
  database) after the feeder filled its windows: the broker holds only the window.
* ``redis_queue_length_1m_backlog``: the download messages in Redis then (the window).
* ``feed_round_ms_1m_backlog`` / ``scaler_plan_ms_1m_backlog``: one feeder round and one scaling
  decision with that backlog (both read the database).
* ``queue_rate_per_s``: videos queued per second by ``queue_new_videos`` (100 channels of 1,000
  listed videos each by default, 100,000 in all), Redis live state included.

The functions take an already set-up Django (settings.REDIS_URL at a redis-server of the bench's own:
``redis_mb`` reads its whole ``used_memory``), so `make bench-scale` can call them on its own database:
``seed_videos``, ``backlog_figures`` and ``queue_rate``.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024
SEED_BATCH = 10_000


def seed_videos(count: int, channels: int = 1000, status: str = "queued", prefix: str = "bench") -> list[str]:
    """``count`` videos over ``channels`` new YouTube channels, all in ``status`` (``queued``: waiting in
    the database, as queueing leaves them). The first channel's rows are bulk-created, the others copied
    from them inside the database (INSERT ... SELECT over every column): a million rows in a minute or
    two, whatever columns Video has. Returns the channel ids."""
    from django.db import connection, transaction
    from django.utils import timezone

    from channels_app.models import Channel, Video

    ids = [f"{prefix}-{n:05d}" for n in range(channels)]
    Channel.objects.bulk_create([Channel(id=cid, url=f"https://www.youtube.com/channel/UC{cid}", source_url="bench",
                                         extractor="youtube:tab", raw_id=cid, title=cid) for cid in ids])
    per_channel = -(-count // channels)
    now = timezone.now()
    template = []
    for index in range(per_channel):
        vid = f"{prefix[0]}{index:010d}"
        template.append(Video(channel_id=ids[0], video_id=vid, raw_id=vid, url=f"https://www.youtube.com/watch?v={vid}",
                              title=f"Bench video {index}", tab="videos", status=status,
                              upload_date=f"{2025 - index // 336:04d}{1 + index // 28 % 12:02d}{1 + index % 28:02d}",
                              queued_at=now if status == "queued" else None))
    Video.objects.bulk_create(template, batch_size=SEED_BATCH)
    columns = [f.column for f in Video._meta.concrete_fields if f.column != "id"]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    picked = ", ".join("%s" if c == "channel_id" else connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(Video._meta.db_table)
    left = count - per_channel
    with transaction.atomic(), connection.cursor() as cursor:
        for cid in ids[1:]:
            if left <= 0:
                break
            take = min(per_channel, left)
            cursor.execute(f"INSERT INTO {table} ({quoted}) SELECT {picked} FROM {table} WHERE channel_id = %s "
                           f"ORDER BY id LIMIT %s", [cid, ids[0], take])
            left -= take
    return ids


def redis_mb(r) -> float:
    return int(r.info("memory")["used_memory"]) / MIB


def backlog_figures(r) -> dict:
    """With a backlog already in the database: fill the windows, then Redis's memory and queue, and
    the cost of one more feeder round and one scaling decision."""
    from archiver.state import broker_queue
    from downloads_app import feeder
    from downloads_app.scaling import plan

    feeder.feed()
    started = time.perf_counter()
    feeder.feed_round(r)  # the windows are full: the cost of looking
    feed_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    plan(r)
    plan_ms = (time.perf_counter() - started) * 1000
    return {"redis_mb": redis_mb(r), "redis_queue_length": broker_queue.queue_length(r), "feed_round_ms": feed_ms,
            "scaler_plan_ms": plan_ms}


def queue_rate(count: int = 100_000, channels: int = 100) -> float:
    """Videos per second queued through the real queueing function (``queue_new_videos``, one call per
    channel, as each sync's end makes it), over freshly listed (``new``) videos."""
    from downloads_app import queueing

    ids = seed_videos(count, channels, status="new", prefix="rate")
    started = time.perf_counter()
    queued = sum(queueing.queue_new_videos(cid) for cid in ids)
    seconds = time.perf_counter() - started
    if queued != count:
        raise RuntimeError(f"queued {queued} of {count}")
    return count / seconds


def _setup(run_dir: Path):
    """A private redis-server and a migrated SQLite database in ``run_dir``; returns the server."""
    from tests.harness import RedisServer

    server = RedisServer(run_dir / "redis").start()
    os.environ.update({"DATA_DIR": str(run_dir / "data"), "ARCHIVE_ROOT": str(run_dir / "archive"),
                       "REDIS_URL": server.url, "DJANGO_SETTINGS_MODULE": "config.settings"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return server


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=1_000_000, help="videos waiting (default 1,000,000)")
    parser.add_argument("--channels", type=int, default=1000, help="channels they belong to (default 1,000)")
    parser.add_argument("--queue", type=int, default=100_000, help="videos queued for the rate (default 100,000)")
    args = parser.parse_args(argv)
    from tests.bench.common import figure, human

    server = _setup(Path(tempfile.mkdtemp(prefix="ytarchive-backlog-bench-")))
    try:
        from django.conf import settings

        from archiver.state import store

        r = store.connect(settings.REDIS_URL)
        started = time.perf_counter()
        seed_videos(args.videos, args.channels)
        human(f"seeded {args.videos} queued videos in {time.perf_counter() - started:.1f} s")
        found = backlog_figures(r)
        suffix = "1m_backlog" if args.videos == 1_000_000 else f"{args.videos}_backlog"
        figure(f"redis_mb_{suffix}", found["redis_mb"])
        figure(f"redis_queue_length_{suffix}", found["redis_queue_length"])
        figure(f"feed_round_ms_{suffix}", found["feed_round_ms"])
        figure(f"scaler_plan_ms_{suffix}", found["scaler_plan_ms"])
        rate = queue_rate(args.queue)
        figure("queue_rate_per_s", round(rate))
        return {**found, "queue_rate_per_s": rate}
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
