"""Where a `make bench-scale` page spends its time: its queries, repeated query shapes (N+1), the slowest plans.

Run on a kept run folder (BENCH_SCALE_KEEP=1) as
``python -m tests.bench.bench_scale_profile CHANNELS VIDEOS BIG_VIDEOS [PAGE ...]`` with the same DATA_DIR,
ARCHIVE_ROOT (and DATABASE_URL) the benchmark's stack had, and REDIS_URL naming a running redis-server.
Each page is asked twice in-process through Django's test client (logged in as the first superuser); the
second time is reported: wall time, the number of queries and their total time, query shapes run more
than five times (numbers and strings stripped), and the three slowest queries with the database's plan.
With pyinstrument installed (``pip install pyinstrument``; not a dependency), a third request is sampled
and its call tree printed (BENCH_SCALE_PROFILE_TREE=0 leaves it out), for time spent outside SQL.
"""
from __future__ import annotations

import os
import re
import sys
import time


def shape(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)[:160]


def plan(connection, sql: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cur:
            cur.execute(prefix + sql)
            rows = cur.fetchall()
    except Exception as exc:  # a query with parameters Django inlined badly: no plan, say so
        return f"(no plan: {exc})"
    return " | ".join(str(r[-1]) for r in rows)[:700]


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.bench.bench_scale_pages import pages
    from tests.bench.bench_scale_seed import measured

    channels, videos, big = (int(a) for a in argv[:3])
    wanted = argv[3:]
    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")
    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    table = {**pages(measured(channels, videos, big)), "metrics": ("none", "/metrics")}
    for page, (_, path) in table.items():
        if wanted and page not in wanted:
            continue
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            ms = (time.perf_counter() - started) * 1000
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(f"\n== {page} {path.split('?token=')[0]}: HTTP {response.status_code}, {ms:.0f} ms, "
              f"{len(queries)} queries, {sql_ms:.0f} ms in SQL", flush=True)
        shapes: dict[str, int] = {}
        for q in queries.captured_queries:
            shapes[shape(q["sql"])] = shapes.get(shape(q["sql"]), 0) + 1
        for text, n in sorted(shapes.items(), key=lambda kv: -kv[1]):
            if n > 5:
                print(f"   repeated x{n}: {text}")
        for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"   {float(q['time']) * 1000:.0f} ms: {q['sql'][:400]}")
            print(f"      plan: {plan(connection, q['sql'])}")
        tree(client, path)


def tree(client, path: str) -> None:
    """pyinstrument's call tree of one more request, when pyinstrument is installed."""
    if os.environ.get("BENCH_SCALE_PROFILE_TREE") == "0":
        return
    try:
        from pyinstrument import Profiler
    except ImportError:
        return
    profiler = Profiler(interval=0.002)
    profiler.start()
    client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False)[:6000])


if __name__ == "__main__":
    main(sys.argv[1:])
