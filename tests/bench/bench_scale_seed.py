"""`make bench-scale`'s catalog: channels x videos with history, syncs and tallies, written in bulk.

Run as ``python -m tests.bench.bench_scale_seed CHANNELS VIDEOS BIG_VIDEOS [--all-new]`` with DATA_DIR (and
DATABASE_URL for PostgreSQL) in the environment: ``migrate`` makes the schema the code under test has, then
the rows go in through the database's own bulk path (SQLite: one transaction of ``executemany`` with
journaling and syncing off; PostgreSQL: ``COPY``), never through the ORM, so a million videos take minutes.
Prints one JSON line: what was seeded, the seconds it took, and the ids the pages are measured on.

Rows are built from the models' fields, so columns other branches add are filled with their defaults: only
the fields a catalog of this size must vary are set here. The first channel is the big one (BIG_VIDEOS
videos, so its page 400 exists); the second is the one whose pages, feed and video are measured.
``--all-new``: every video waits for its first download (what the queueing benchmark queues).

Descriptions: YouTube's flat listing gives none and outcomes keep them in the video's info.json, so by
default (BENCH_SCALE_DESCRIPTIONS=files) rows have none and the measured feed's videos have theirs in
info.json, as a catalog built by today's code has them; ``db`` stores one in every row instead.
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

BATCH = 50_000
WORDS = ("how to build a small wooden boat at home review live stream highlights episode part tutorial "
         "cooking travel vlog music cover remix interview behind the scenes unboxing news weekly update "
         "science explained history documentary gameplay walkthrough speedrun podcast lecture").split()
SEARCH_WORD = "speedrun"  # in about one title in 30 (WORDS has 39 words, titles 6)
# (status, failure kind, share in per mille): most of a grown archive is archived, the rest on its way.
STATUS_MIX = (("archived", "", 800), ("queued", "", 50), ("new", "", 50), ("retrying", "transient", 20),
              ("failed", "transient", 15), ("failed", "permanent", 15), ("skipped", "", 50))
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def channel_id(i: int) -> str:
    return f"UCbench{i:017d}"


def video_id(c: int, n: int) -> str:
    return f"v{c:04d}x{n:06d}"


def status_of(c: int, n: int) -> tuple[str, str]:
    if c == 1 and n < 600:  # the measured channel's newest 600 are archived: its feed has 500 items
        return "archived", ""
    slot = (n * 7919 + c * 104_729) % 1000
    for status, kind, share in STATUS_MIX:
        if slot < share:
            return status, kind
        slot -= share
    return "archived", ""


class Rows:
    """Turns ``{field name: value}`` into a row tuple in the table's column order; the rest are defaults."""

    def __init__(self, model, connection):
        self.connection = connection
        self.fields = [f for f in model._meta.concrete_fields]
        self.table = model._meta.db_table
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for f in self.fields:
            value = f.get_default()  # "" for a blank text field without a default, as the ORM writes it
            if value is None and not f.null and f.get_internal_type() == "DateTimeField":
                value = NOW
            self.defaults[f.attname] = self.adapt(f, value)
        self._by_attname = {f.attname: f for f in self.fields}
        self._attnames = [f.attname for f in self.fields]
        self._checked = False

    def adapt(self, field, value):
        kind = field.get_internal_type()
        if value is None:
            return None
        if kind == "JSONField":
            return json.dumps(value)
        if kind == "DateTimeField":
            return self.connection.ops.adapt_datetimefield_value(value) if self.connection.vendor == "sqlite" \
                else value
        if kind == "DateField" and self.connection.vendor == "sqlite":
            return value.isoformat()
        return value

    def row(self, values: dict) -> tuple:
        if not self._checked:
            self._check(values)
        return tuple(values[a] if a in values else self.defaults[a] for a in self._attnames)

    def _check(self, values: dict) -> None:
        """On the first row: every field named exists, and every required one has a value."""
        self._checked = True
        unknown = set(values) - set(self._by_attname)
        if unknown:
            raise KeyError(f"{self.table} has no field(s) {sorted(unknown)}")
        missing = [f.attname for f in self.fields if f.attname not in values and self.defaults[f.attname] is None
                   and not f.null]
        if missing:
            raise ValueError(f"{self.table}: no value nor default for {missing}: tell bench_scale_seed about them")


class Writer:
    """Bulk rows into SQLite (executemany, journal off) or PostgreSQL (COPY)."""

    def __init__(self, connection):
        self.vendor = connection.vendor
        settings = connection.settings_dict
        if self.vendor == "sqlite":
            import sqlite3

            self.db = sqlite3.connect(settings["NAME"], isolation_level=None)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY",
                           "locking_mode=EXCLUSIVE"):
                self.db.execute(f"PRAGMA {pragma}")
            self.db.execute("BEGIN")
        else:
            import psycopg

            self.db = psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                                      dbname=settings["NAME"], password=settings.get("PASSWORD") or None)

    def write(self, rows: Rows, tuples) -> int:
        n = 0
        if self.vendor == "sqlite":
            sql = (f'INSERT INTO "{rows.table}" ({", ".join(chr(34) + c + chr(34) for c in rows.columns)}) '
                   f'VALUES ({", ".join("?" * len(rows.columns))})')
            batch = []
            for row in tuples:
                batch.append(row)
                if len(batch) >= BATCH:
                    self.db.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            self.db.executemany(sql, batch)
            return n + len(batch)
        columns = ", ".join(f'"{c}"' for c in rows.columns)
        with self.db.cursor() as cur, cur.copy(f'COPY "{rows.table}" ({columns}) FROM STDIN') as copy:
            for row in tuples:
                copy.write_row(row)
                n += 1
        return n

    def finish(self, tables_with_ids: list[str]) -> None:
        if self.vendor == "sqlite":
            self.db.execute("COMMIT")
            self.db.execute("PRAGMA locking_mode=NORMAL")
            self.db.execute("PRAGMA journal_mode=WAL")  # as the app runs it (config.settings)
            self.db.close()
            return
        with self.db.cursor() as cur:
            for table in tables_with_ids:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))")
        self.db.commit()
        self.db.autocommit = True
        with self.db.cursor() as cur:
            cur.execute("ANALYZE")  # what autovacuum does within a minute of a bulk load
        self.db.close()


def title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()


def seed(channels: int, videos: int, big_videos: int, all_new: bool = False) -> dict:
    from django.db import connection

    from channels_app.models import Channel, SyncJob, Tally, Video, VideoChange

    rng = random.Random(21)
    descriptions = os.environ.get("BENCH_SCALE_DESCRIPTIONS", "files")
    if descriptions not in ("files", "db"):
        raise SystemExit("BENCH_SCALE_DESCRIPTIONS must be files or db")
    changes_per_video = int(os.environ.get("BENCH_SCALE_CHANGES_PER_VIDEO", "3"))
    ch_rows, v_rows, c_rows, s_rows, t_rows = (Rows(m, connection) for m in (Channel, Video, VideoChange,
                                                                               SyncJob, Tally))
    adapt_dt = (lambda dt: connection.ops.adapt_datetimefield_value(dt)) if connection.vendor == "sqlite" \
        else (lambda dt: dt)
    stamps = [adapt_dt(NOW - timedelta(hours=h)) for h in range(24 * 400)]
    connection.close()  # the bulk writer takes the database alone
    writer = Writer(connection)
    started = time.perf_counter()
    counts = {}

    def count_of(c: int) -> int:
        return big_videos if c == 0 else videos

    counts["channels"] = writer.write(ch_rows, (ch_rows.row({
        "id": channel_id(c), "url": f"https://www.youtube.com/channel/{channel_id(c)}",
        "source_url": f"https://www.youtube.com/@bench{c}", "extractor": "youtube:tab", "raw_id": channel_id(c),
        "title": f"Channel {c:04d} {rng.choice(WORDS)}", "description": "A channel of the scale benchmark.",
        "uploader": f"Bench {c}", "sync_interval_hours": 6.0, "created_at": stamps[-1], "updated_at": stamps[5],
        "last_synced_at": stamps[c % 6], "last_full_index_at": stamps[200], "feed_token": f"benchtoken{c:08d}",
    }) for c in range(channels)))
    sizes = {"archived": 0, "by_status": {}}

    def videos_rows():
        pk = 0
        for c in range(channels):
            cid = channel_id(c)
            for n in range(count_of(c)):
                pk += 1
                status, kind = ("new", "") if all_new else status_of(c, n)
                sizes["by_status"][status] = sizes["by_status"].get(status, 0) + 1
                archived = status == "archived"
                size = 50_000_000 + (pk * 7_654_321) % 900_000_000 if archived else None
                if archived:
                    sizes["archived"] += size
                vid = video_id(c, n)
                day = (NOW - timedelta(days=n // 3 + c % 5)).strftime("%Y%m%d")
                yield v_rows.row({
                    "id": pk, "channel_id": cid, "video_id": vid, "raw_id": vid,
                    "url": f"https://www.youtube.com/watch?v={vid}", "title": title(rng),
                    "tab": "shorts" if n % 10 == 9 else "videos", "duration": float(60 + pk % 3600),
                    "upload_date": day, "status": status, "failure_kind": kind,
                    "last_error": "ERROR: [youtube] HTTP Error 503: Service Unavailable" if kind else "",
                    "attempts": 3 if kind else (1 if archived else 0),
                    "next_attempt_at": stamps[0] if status == "retrying" else None,
                    "video_file": "video.mp4" if archived else "", "size_bytes": size,
                    "subtitles": '["en"]' if archived else "[]", "format_id": "137+140" if archived else "",
                    "height": 1080 if archived else None, "first_seen_at": stamps[n % len(stamps)],
                    "queued_at": stamps[n % 300] if status != "new" else None,
                    "archived_at": stamps[n % 300] if archived else None, "updated_at": stamps[n % 300],
                    "description": (f"{title(rng)}. " * 8) if descriptions == "db" else "",
                    "view_count": 1000 + pk % 1_000_000, "like_count": 10 + pk % 10_000,
                    "metadata_checked_at": stamps[n % 300] if archived else None,
                    "fixity_status": "ok" if archived and n % 2 else "",
                    "fixity_checked_at": stamps[n % 100] if archived and n % 2 else None,
                })

    counts["videos"] = writer.write(v_rows, videos_rows())
    total_videos = counts["videos"]

    def change_rows():
        pk = 0
        for video_pk in range(1, total_videos + 1):
            views = 1000 + video_pk % 1_000_000
            for k in range(changes_per_video):
                pk += 1
                old, views = views, views + 100 * (k + 1)
                field, before, after = ("view_count", str(old), str(views)) if k % 4 != 3 else \
                    ("title", "An older title", "A newer title")
                yield c_rows.row({"id": pk, "video_id": video_pk, "at": stamps[(changes_per_video - k) * 24],
                                  "field": field, "old": before, "new": after})

    counts["video_changes"] = 0 if all_new else writer.write(c_rows, change_rows())

    def sync_rows():
        pk = 0
        for c in range(channels):
            for k in range(3):
                pk += 1
                yield s_rows.row({"id": pk, "channel_id": channel_id(c), "full": k == 2, "status": "succeeded",
                                  "trigger": "schedule", "created_at": stamps[6 * k + 1],
                                  "started_at": stamps[6 * k + 1], "finished_at": stamps[6 * k],
                                  "heartbeat_at": stamps[6 * k], "attempts": 1, "videos_seen": count_of(c),
                                  "videos_new": 3, "videos_queued": 3})

    counts["syncs"] = 0 if all_new else writer.write(s_rows, sync_rows())
    tallies = {"storage_bytes": float(sizes["archived"])}
    for status in ("archived", "failed", "skipped"):
        n = sizes["by_status"].get(status, 0)
        tallies[f"downloads_total:{status}"] = float(n)
        tallies[f"duration_sum:{status}"] = 120.0 * n
        tallies[f"duration_bucket:{status}:300"] = float(n)
    counts["tallies"] = 0 if all_new else writer.write(t_rows, (t_rows.row({"name": k, "value": v})
                                                                for k, v in tallies.items()))
    writer.finish([Video._meta.db_table, VideoChange._meta.db_table, SyncJob._meta.db_table])
    seconds = time.perf_counter() - started
    return {"seed_seconds": round(seconds, 1), **counts, "statuses": sizes["by_status"],
            **measured(channels, videos, big_videos), "descriptions": descriptions, "vendor": connection.vendor}


def measured(channels: int, videos: int, big_videos: int) -> dict:
    """The ids the pages are measured on (tests.bench.bench_scale_pages), from the catalog's shape alone."""
    feed_channel = 1 if channels > 1 else 0
    count = big_videos if feed_channel == 0 else videos
    return {"big_channel": channel_id(0), "feed_channel": channel_id(feed_channel),
            "feed_token": f"benchtoken{feed_channel:08d}",
            "feed_videos": [video_id(feed_channel, n) for n in range(min(600, count))
                            if status_of(feed_channel, n)[0] == "archived"][:500],
            "video_pk": (big_videos if feed_channel else 0) + 1,  # the measured channel's newest video
            "big_channel_videos": big_videos}


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    channels, videos, big = (int(a) for a in argv[:3])
    result = seed(channels, videos, big, all_new="--all-new" in argv)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
