"""`make bench-scale`: the web app on a catalog of 1,000 channels x 1,000 videos, on SQLite and PostgreSQL.

For each database: seed the catalog in bulk (tests.bench.bench_scale_seed), start the web server as `make
run` starts it (config.launch with its ``web`` program, whatever ``processes()`` says that command is, and
the redis-server it starts), time every page (tests.bench.bench_scale_pages), scrape /metrics, then read
the database's size and the web processes' RSS; then the backlog benchmark
(tests.bench.backlog_bench: a million videos waiting, Redis's memory, and the queueing rate).
Prints ``name: value`` lines, the database's name first, each with its goal, and ``goals_met`` at the end.

Knobs (environment): BENCH_SCALE_CHANNELS (1000), BENCH_SCALE_VIDEOS (1000 per channel),
BENCH_SCALE_BIG_VIDEOS (20000: the first channel, so its page 400 exists), BENCH_SCALE_DATABASES
(sqlite,postgres), BENCH_SCALE_QUEUE_VIDEOS (100000), BENCH_SCALE_REQUESTS (100), BENCH_SCALE_WARMUP (3),
BENCH_SCALE_PAGE_SECONDS (45), BENCH_SCALE_CHANGES_PER_VIDEO (3), BENCH_SCALE_DESCRIPTIONS (files|db),
BENCH_SCALE_INFO_KB (900), BENCH_SCALE_KEEP (1: keep the run folder).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench.bench_scale_pages import clients, make_archive_folders, pages, percentile, time_page
from tests.bench.common import ADMIN, default_stack_env, human
from tests.harness import REPO, AppStack, Supervised, free_port

CHANNELS = int(os.environ.get("BENCH_SCALE_CHANNELS", "1000"))
VIDEOS = int(os.environ.get("BENCH_SCALE_VIDEOS", "1000"))
BIG_VIDEOS = int(os.environ.get("BENCH_SCALE_BIG_VIDEOS", "20000"))
QUEUE_VIDEOS = int(os.environ.get("BENCH_SCALE_QUEUE_VIDEOS", "100000"))
DATABASES = [d.strip() for d in os.environ.get("BENCH_SCALE_DATABASES", "sqlite,postgres").split(",") if d.strip()]
BACKLOG = 1_000_000
MIB = 1024 * 1024

# The goals: (figure name suffix, bound, unit); every page's p99 is held to PAGE_P99_MS.
PAGE_P99_MS = 150
METRICS_MS = 200
REDIS_MB = 100
QUEUE_RATE = 5000
SLOW_HEALTH_MS = 100


class Report:
    """The figures as they are printed, and the goals they missed."""

    def __init__(self):
        self.missed: list[str] = []
        self.checked = 0

    def figure(self, name: str, value, goal: str = "", ok: bool | None = None, note: str = "") -> None:
        if isinstance(value, float):
            value = round(value, 1 if abs(value) >= 10 else 3)
        extra = [note] if note else []
        if goal:
            self.checked += 1
            extra.append(f"goal {goal}: {'met' if ok else 'MISSED'}")
            if not ok:
                self.missed.append(name)
        print(f"{name}: {value}" + (f"  ({'; '.join(extra)})" if extra else ""), flush=True)


class WebStack(AppStack):
    """`make run`'s web program alone (and the redis-server config.launch starts for it)."""

    PROGRAMS = ("web",)


def web_command(env: dict) -> str:
    """The web server's command line as config.launch's ``processes()`` gives it for this environment."""
    code = ("import os, django; django.setup(); from django.conf import settings; "
            "from config.launch import processes; print(processes(dict(os.environ), settings.DATA_DIR)['web'])")
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120)
    return out.stdout.strip().splitlines()[-1] if out.returncode == 0 else f"(unknown: {out.stderr[-300:]})"


def run_module(module: str, args: list[str], env: dict, timeout: float = 7200) -> dict:
    """``python -m module args`` in the repo; its last stdout line, as JSON."""
    out = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=timeout)
    assert out.returncode == 0, f"{module} failed:\n{out.stderr[-4000:]}"
    return json.loads(out.stdout.strip().splitlines()[-1])


def rss_mib(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def database_mib(db: str, env: dict) -> float:
    if db == "sqlite":
        base = Path(env["DATA_DIR"]) / "ytarchive.sqlite3"
        return sum(p.stat().st_size for p in (base, base.with_name(base.name + "-wal")) if p.exists()) / MIB
    import psycopg

    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / MIB


def measure_pages(db: str, env: dict, seeded: dict, report: Report) -> None:
    """Start the web server on the seeded database; time every page and /metrics; RSS afterwards."""
    human(f"{db}: web server command (config.launch processes()['web']): {web_command(env)}")
    stack = WebStack(env, Path(env["DATA_DIR"]).parent / "stack.log").start()
    try:
        who = clients(stack.base_url, ADMIN["username"], ADMIN["password"])
        for page, (kind, path) in pages(seeded).items():
            timed = time_page(who[kind], stack.base_url + path)
            samples = timed["samples"]
            human(f"{db}: {page} {path.split('?token=')[0]}: {len(samples)} requests, {timed['bytes']} bytes, "
                  f"max {max(samples):.0f} ms")
            report.figure(f"{db}.p50_ms.{page}", percentile(samples, 50))
            p99 = percentile(samples, 99)
            report.figure(f"{db}.p99_ms.{page}", p99, f"< {PAGE_P99_MS} ms", p99 < PAGE_P99_MS)
        scrape = time_page(who["none"], stack.base_url + "/metrics")["samples"]
        report.figure(f"{db}.metrics_scrape_ms", percentile(scrape, 99), f"< {METRICS_MS} ms",
                      percentile(scrape, 99) < METRICS_MS, note=f"p99 of {len(scrape)} scrapes")
        report.figure(f"{db}.db_mb", database_mib(db, env))
        report.figure(f"{db}.web_rss_mb", rss_mib(Supervised(stack, "web").pids()),
                      note="VmRSS of the web program and its workers, summed")
    finally:
        stack.stop()


def measure_queueing(db: str, env: dict, report: Report) -> None:
    """The backlog benchmark (tests/bench/backlog_bench.py) on this database: BACKLOG videos waiting in the
    database with the feeder keeping Redis to its window, then QUEUE_VIDEOS queued for the rate."""
    out = subprocess.run([sys.executable, "-m", "tests.bench.backlog_bench", "--videos", str(BACKLOG),
                          "--queue", str(QUEUE_VIDEOS)], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=7200)
    assert out.returncode == 0, f"tests.bench.backlog_bench failed:\n{out.stderr[-4000:]}"
    found = dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line)
    rate, mb = float(found["queue_rate_per_s"]), float(found["redis_mb_1m_backlog"])
    human(f"{db}: the feeder's round over the backlog took {found.get('feed_round_ms_1m_backlog')} ms, "
          f"the scaler's plan {found.get('scaler_plan_ms_1m_backlog')} ms")
    report.figure(f"{db}.queue_rate_per_s", rate, f">= {QUEUE_RATE}/s", rate >= QUEUE_RATE,
                  note=f"{QUEUE_VIDEOS} queued through downloads_app.queueing")
    report.figure(f"{db}.redis_mb_1m_backlog", mb, f"< {REDIS_MB} MB", mb < REDIS_MB,
                  note=f"Redis used_memory with {BACKLOG} videos waiting")


def slow_clients_health_p99_ms() -> float | None:
    """tests/bench/slow_clients.py: 20 readers at 16 KB/s on a large file while /health is polled."""
    from tests.bench import slow_clients

    return slow_clients.main()["slow_clients_health_p99_ms"]


def run_database(db: str, run_dir: Path, archive: Path, postgres, report: Report) -> None:
    env = default_stack_env(run_dir)
    env["ARCHIVE_ROOT"] = str(archive)
    queue_env = default_stack_env(run_dir / "queue")
    if postgres is not None:
        env["DATABASE_URL"] = postgres.create_database("bench_scale")
        queue_env["DATABASE_URL"] = postgres.create_database("bench_scale_queue")
    started = time.perf_counter()
    seeded = run_module("tests.bench.bench_scale_seed", [str(CHANNELS), str(VIDEOS), str(BIG_VIDEOS)], env)
    human(f"{db}: seeded {seeded['channels']} channels, {seeded['videos']} videos "
          f"({seeded['statuses']}), {seeded['video_changes']} history rows, {seeded['syncs']} syncs, "
          f"{seeded['tallies']} tallies in {seeded['seed_seconds']} s of bulk inserts "
          f"({time.perf_counter() - started:.0f} s with migrate); descriptions: {seeded['descriptions']}")
    report.figure(f"{db}.videos", seeded["videos"])
    report.figure(f"{db}.seed_seconds", seeded["seed_seconds"])
    make_archive_folders(archive, seeded)
    measure_pages(db, env, seeded, report)
    measure_queueing(db, queue_env, report)


def main() -> int:
    run_root = Path(tempfile.mkdtemp(prefix="ytarchive-bench-scale-"))
    run_root.chmod(0o755)  # the postgres user reaches its cluster inside
    archive = run_root / "archive"
    report = Report()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    human(f"catalog: {CHANNELS} channels x {VIDEOS} videos (the first {BIG_VIDEOS}); run folder {run_root}; "
          f"commit {commit.stdout.strip()}")
    try:
        for db in DATABASES:
            postgres = None
            if db == "postgres":
                from tests.postgres_server import PostgresServer

                postgres = PostgresServer(run_root / "postgres", free_port()).start()
            elif db != "sqlite":
                raise SystemExit(f"BENCH_SCALE_DATABASES: {db!r} is neither sqlite nor postgres")
            try:
                run_database(db, run_root / db, archive, postgres, report)
            finally:
                if postgres is not None:
                    postgres.stop()
        slow = slow_clients_health_p99_ms()
        if slow is None:
            print("slow_clients_health_p99_ms: n/a (not built)", flush=True)
        else:
            report.figure("slow_clients_health_p99_ms", float(slow), f"< {SLOW_HEALTH_MS} ms", slow < SLOW_HEALTH_MS)
    finally:
        if os.environ.get("BENCH_SCALE_KEEP") != "1":
            shutil.rmtree(run_root, ignore_errors=True)
    print(f"goals_met: {'no' if report.missed else 'yes'}"
          + (f"  (missed: {', '.join(report.missed)})" if report.missed else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
