"""`make chaos`: the whole stack archives three channels from a flaky fixture site while a random process
of it is SIGKILLed every 5-20 s; afterwards every video must be archived once, byte-identical, with no
partial file, nothing stuck, and the outcome tallies equal to the catalog.

The stack is started as `make run` starts it (config.launch under supervisord, its own redis-server),
with every program of config.launch's process table but Flower: the names are read from
``config.launch.processes()``, so new programs (control lanes, say) are killed too without a change
here. Kill targets are those programs, Redis, and one download worker (a child of the scaler).
A kill is a SIGKILL of the program and everything below it, as when a container dies; supervisord
(or the scaler, for a download worker) starts it again.

The fixture site runs in this process: three ``chan-bench-N`` channels of tiny real mp4s, every media
connection capped (so downloads are in flight when kills land) and a seeded fraction of media
requests answered 503 or cut mid-body. Syncs are asked for through the API every 10-30 s.

Settings (environment): CHAOS_SECONDS (600) of kills, CHAOS_SEED (21), CHAOS_MEDIA_FAULTS (0.15),
CHAOS_VIDEOS (videos per channel, CHAOS_SECONDS / 4, at least 20), CHAOS_DRAIN_SECONDS (600, the most
the drain may take). Prints ``name: value`` lines (chaos_kills, chaos_lost, chaos_duplicated,
chaos_partial, chaos_stuck, chaos_longest_recovery_s and a few more); exits 1 when any finding is
not zero. The run folder is kept when something was found.
"""
from __future__ import annotations

import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import redis as redis_lib
import requests

from tests.bench.common import ADMIN, default_stack_env, figure
from tests.chaos import audit
from tests.fixture_site import catalog, media
from tests.fixture_site.pytest_plugin import media_cache_dir
from tests.fixture_site.server import FixtureSite
from tests.harness import REPO, Api, AppStack, descendants, download_worker_pids

log = logging.getLogger("chaos")

DOWNLOAD_WORKER = "download-worker"
#: Short leases and periods, so a kill is noticed in seconds (the suite's own are shorter still).
STACK_SETTINGS = {
    "YTARCHIVE_SCALER": "local",
    "YTARCHIVE_LEASE_SECONDS": "5",
    "YTARCHIVE_RECONCILE_SECONDS": "2",
    "YTARCHIVE_HOUSEKEEPING_SECONDS": "5",
    "YTARCHIVE_SHUTDOWN_GRACE_SECONDS": "5",
    "YTARCHIVE_SCALE_INTERVAL_SECONDS": "1",
    "YTARCHIVE_WORKER_IDLE_SECONDS": "30",
    "YTARCHIVE_MAX_WORKERS": "2",
    "YTARCHIVE_WORKERS_PER_QUEUE": "20",
    "YTARCHIVE_DOWNLOADS_PER_WORKER": "4",
    "YTARCHIVE_DOWNLOADS_PER_SITE": "4",
    "YTARCHIVE_RETRY_BASE_SECONDS": "2",
    "YTARCHIVE_DOWNLOAD_RETRIES": "8",
    "YTARCHIVE_HISTORY_PAGES_PER_SYNC": "0",
    "WEB_CONCURRENCY": "2",
}
MEDIA_MB = 0.05  # each video about 100 KB: one of four tiny sources and a box naming it
MEDIA_RATE = 48 * 1024  # bytes/s per connection: a couple of seconds per video
RECOVERY_CAP = 300.0


def env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw else default
    except ValueError:
        sys.exit(f"chaos: {name}={raw!r} is not a number")


@dataclass
class Kill:
    target: str
    at: float
    pids: set[int]
    done_before: int
    back_after: float | None = None  # the process runs again
    recovered_after: float | None = None  # ... and work moved on


class Monitor(threading.Thread):
    """Polls every channel's progress through the API: how much work is done, and whether any is left."""

    def __init__(self, api: Api, channel_ids: list[str]):
        super().__init__(daemon=True, name="chaos-monitor")
        self.api, self.channel_ids = api, channel_ids
        self.samples: list[tuple[float, int]] = []  # (time, videos done)
        self.settled = False
        self.stopped = threading.Event()

    def poll(self) -> tuple[int, bool] | None:
        done, settled = 0, True
        try:
            for channel_id in self.channel_ids:
                p = self.api.session.get(f"{self.api.base_url}/api/channels/{channel_id}/progress/", timeout=5).json()
                done += p["archived"] + p["failed"] + p["skipped"]
                busy = p["new"] + p["queued"] + p["downloading"] + p["retrying"]
                settled &= busy == 0 and (p.get("sync") or {}).get("status") not in audit.ACTIVE_SYNC
        except (requests.RequestException, ValueError, KeyError):
            return None  # the web (or Redis) is down: no sample
        return done, settled

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            if (found := self.poll()) is not None:
                self.samples.append((time.monotonic(), found[0]))
                self.settled = found[1]

    def done(self) -> int:
        return self.samples[-1][1] if self.samples else 0

    def progressed_since(self, at: float, before: int) -> bool:
        return any(t > at and done > before for t, done in self.samples[-20:])


class Chaos:
    """The stack, the kills and their recoveries."""

    def __init__(self, stack: AppStack, redis_url: str, monitor: Monitor, rng: random.Random):
        self.stack, self.redis_url, self.monitor, self.rng = stack, redis_url, monitor, rng
        # The programs of the process table we started, and Redis (supervisord's log relay is not the app's).
        # supervisord names a program of a group GROUP:NAME (the control lanes: control:syncs, ...).
        self.programs = [name for name in program_names(stack)
                         if name.split(":")[-1] in stack.PROGRAMS or name == "redis"]
        missing = set(stack.PROGRAMS) - {name.split(":")[-1] for name in self.programs}
        if missing:  # a process the soak would never kill: its claims would not hold for it
            sys.exit(f"chaos: no supervisord program for {', '.join(sorted(missing))}")
        self.kills: list[Kill] = []
        self.round: list[str] = []

    def next_target(self) -> str:
        """Random, in shuffled rounds so that every target is killed in a long enough run; a download worker
        only while one runs."""
        if not self.round:
            self.round = [*self.programs, DOWNLOAD_WORKER]
            self.rng.shuffle(self.round)
        target = self.round.pop()
        if target == DOWNLOAD_WORKER and not download_worker_pids(self.redis_url):
            return self.rng.choice(self.programs)
        return target

    def kill_one(self) -> Kill | None:
        target = self.next_target()
        if target == DOWNLOAD_WORKER:
            pids = set(self.rng.sample(sorted(download_worker_pids(self.redis_url)), 1))
        else:
            answer = self.stack.supervisorctl("pid", target).strip()
            main = int(answer) if answer.isdigit() else 0
            if not main:
                log.info("%s is not running now (still restarting): no kill this round", target)
                return None
            pids = {main, *descendants(main)}
        kill = Kill(target, time.monotonic(), pids, self.monitor.done())
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.info("SIGKILL %s (pids %s), %d videos done", target, sorted(pids), kill.done_before)
        self.kills.append(kill)
        threading.Thread(target=self.watch_recovery, args=(kill,), daemon=True).start()
        return kill

    def is_back(self, kill: Kill) -> bool:
        if kill.target == DOWNLOAD_WORKER:  # the scaler replaces it while work waits
            return bool(set(download_worker_pids(self.redis_url)) - kill.pids) or self.monitor.settled
        status = self.stack.supervisorctl("status", kill.target)
        if "RUNNING" not in status:
            return False
        pid = int(status.split("pid", 1)[1].split(",")[0]) if "pid" in status else 0
        if kill.target == "redis":
            try:
                redis_lib.Redis.from_url(self.redis_url, socket_timeout=2).ping()
            except redis_lib.RedisError:
                return False
        return pid not in kill.pids

    def watch_recovery(self, kill: Kill) -> None:
        """Until the killed process is back and work moves on (or nothing is left to do)."""
        while (elapsed := time.monotonic() - kill.at) < RECOVERY_CAP:
            try:
                back = self.is_back(kill)
            except (subprocess.SubprocessError, OSError, ValueError):
                back = False
            if back and kill.back_after is None:
                kill.back_after = elapsed
            if back and (self.monitor.progressed_since(kill.at, kill.done_before) or self.monitor.settled):
                kill.recovered_after = elapsed
                log.info("%s recovered after %.1f s (running again after %.1f s)", kill.target, elapsed,
                         kill.back_after)
                return
            time.sleep(0.25)
        log.warning("%s did not recover within %.0f s", kill.target, RECOVERY_CAP)
        kill.recovered_after = RECOVERY_CAP
        kill.back_after = kill.back_after or RECOVERY_CAP


def program_names(stack: AppStack) -> list[str]:
    """Every program supervisord runs for this stack (redis among them), from supervisorctl."""
    lines = stack.supervisorctl("status").splitlines()
    return [line.split()[0] for line in lines if line.strip()]


def process_table(env: dict) -> list[str]:
    """The names of config.launch's process table for this environment."""
    code = ("import json, os, django; from pathlib import Path; "
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup(); "
            "from config.launch import processes; "
            "print(json.dumps(list(processes(dict(os.environ), Path(os.environ['DATA_DIR'])))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120)
    if out.returncode:
        sys.exit(f"chaos: cannot read config.launch's process table: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def ask_for_syncs(api: Api, channel_ids: list[str], rng: random.Random, stop: threading.Event) -> None:
    """Syncs keep coming while the chaos runs: one channel every 10-30 s, a full rescan one time in four."""
    while not stop.wait(rng.uniform(10, 30)):
        channel_id = rng.choice(channel_ids)
        full = "?full=true" if rng.random() < 0.25 else ""
        try:
            response = api.session.post(f"{api.base_url}/api/channels/{channel_id}/sync/{full}", timeout=10)
            log.info("sync of %s%s asked: HTTP %s", channel_id, full and " (full)", response.status_code)
        except requests.RequestException as exc:
            log.info("sync of %s not asked (%s)", channel_id, type(exc).__name__)


def wait_until(condition, timeout: float, poll: float = 1.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except (requests.RequestException, ValueError, KeyError, AssertionError):  # the web restarting
            pass
        time.sleep(poll)
    return False


def login(base_url: str) -> str:
    """An API token for the stack's admin."""
    deadline = time.monotonic() + 60
    while True:
        try:
            response = requests.post(f"{base_url}/api/auth/token/", json=ADMIN, timeout=10)
            if response.ok:
                return response.json()["token"]
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            sys.exit("chaos: cannot get an API token from the stack")
        time.sleep(1)


def run(seconds: float, seed: int, faults: float, per_channel: int, drain_seconds: float, run_dir: Path) -> int:
    rng = random.Random(seed)
    site = FixtureSite(media.build_media(media_cache_dir())["media_dir"]).start()
    site.bench_mb, site.media_rate = MEDIA_MB, MEDIA_RATE
    site.bench_mp4(catalog.get_video("bench-1-00001"))  # ffmpeg runs now
    site.media_faults, site.media_fault_seed = faults, seed
    env = {**default_stack_env(run_dir), **STACK_SETTINGS}
    names = [name for name in process_table(env) if name != "flower"]
    stack = AppStack(env, run_dir / "stack.log")
    stack.PROGRAMS = tuple(names)
    log.info("starting the stack (%s, and redis) in %s", ", ".join(names), run_dir)
    stack.start()
    try:
        return _chaos(stack, site, env["REDIS_URL"], rng, seconds, per_channel, drain_seconds)
    finally:
        stack.stop()
        site.stop()


def _chaos(stack, site, redis_url, rng, seconds, per_channel, drain_seconds) -> int:
    token = login(stack.base_url)
    api = Api(stack.base_url, token)  # one client per thread: a requests.Session is not shared
    channels = {}
    for n in (per_channel, per_channel + 1, per_channel + 2):
        body = api.post("/api/channels/", expect=201, json={"url": f"{site.base_url}/channel/chan-bench-{n}"})
        channels[body["id"]] = catalog.get_channel(f"chan-bench-{n}").tabs["videos"]
        api.post(f"/api/channels/{body['id']}/sync/", expect=202)
    monitor = Monitor(Api(stack.base_url, token), list(channels))
    monitor.start()
    chaos = Chaos(stack, redis_url, monitor, rng)
    stop_syncs = threading.Event()
    syncs = (Api(stack.base_url, token), list(channels), random.Random(rng.random()), stop_syncs)
    threading.Thread(target=ask_for_syncs, args=syncs, daemon=True, name="chaos-syncs").start()
    log.info("chaos for %.0f s: %d videos in 3 channels, kill targets %s", seconds,
             sum(len(v) for v in channels.values()), [*chaos.programs, DOWNLOAD_WORKER])
    # Kills start once downloads do (the first video done): a kill during start-up measures the start-up.
    if not wait_until(lambda: monitor.done() > 0, 300):
        log.error("no video was archived within 300 s of the first sync: the stack does not work at all")
        return 1
    ends = time.monotonic() + seconds
    while (left := ends - time.monotonic()) > 0:
        time.sleep(min(left, rng.uniform(5, 20)))
        if time.monotonic() < ends:
            chaos.kill_one()
    stop_syncs.set()
    drain_started = time.monotonic()
    wait_until(lambda: all(k.recovered_after is not None for k in chaos.kills), RECOVERY_CAP + 10)
    # Live progress runs ahead of the catalog (a worker marks its video archived before the outcome is
    # applied): drained once both say nothing waits.
    drained = wait_until(lambda: monitor.settled and monitor.samples[-1][0] > drain_started + 1
                         and catalog_settled(api, channels), drain_seconds, poll=2.0)
    # Temp folders of dead downloads are swept once two leases old with no lock: give housekeeping its turns.
    lease = float(STACK_SETTINGS["YTARCHIVE_LEASE_SECONDS"])
    archive = Path(stack.env["ARCHIVE_ROOT"])
    wait_until(lambda: not audit.tree.find_partial_files(archive), 4 * lease + 15)
    drain_s = time.monotonic() - drain_started
    monitor.stopped.set()
    findings = audit_stack(api, stack, site, channels, archive)
    figure("chaos_seconds", seconds)
    figure("chaos_videos", sum(len(v) for v in channels.values()))
    figure("chaos_kills", len(chaos.kills))
    for name, value in findings.counts().items():
        figure(name, value)
    recoveries = [k.recovered_after for k in chaos.kills if k.recovered_after is not None]
    figure("chaos_longest_recovery_s", round(max(recoveries, default=0.0), 1))
    figure("chaos_longest_restart_s", round(max((k.back_after or 0.0 for k in chaos.kills), default=0.0), 1))
    figure("chaos_drain_s", round(drain_s, 1))
    figure("chaos_media_faults", sum(site.media_fault_counts.values()))
    for target in sorted({k.target for k in chaos.kills}):
        times = [(k.recovered_after or 0.0, k.back_after or 0.0) for k in chaos.kills if k.target == target]
        log.info("kills of %s: %d, recovered (running again) after %s s", target, len(times),
                 ", ".join(f"{r:.1f} ({b:.1f})" for r, b in times))
    log.info("drained: %s; tallies %s; media faults %s", drained, findings.tallies, dict(site.media_fault_counts))
    for kind in ("lost", "duplicated", "partial", "stuck", "mismatched"):
        for line in getattr(findings, kind)[:20]:
            log.warning("%s: %s", kind, line)
    return 0 if findings.clean else 1


def catalog_settled(api: Api, channels: dict) -> bool:
    """True when the database holds no video of these channels that still waits for work."""
    return not any(v["status"] in audit.WAITING for channel_id in channels for v in api.videos(channel_id))


def audit_stack(api: Api, stack: AppStack, site: FixtureSite, channels: dict, archive: Path) -> audit.Findings:
    findings = audit.Findings()
    stored: dict[str, int] = {}
    live: dict[str, int] = {}
    syncs = {}
    for channel_id, expected in channels.items():
        statuses = {v["video_id"]: v["status"] for v in api.videos(channel_id)}
        audit.audit_channel(findings, archive, channel_id, expected, statuses, site.mp4_bytes)
        for status in statuses.values():
            stored[status] = stored.get(status, 0) + 1
        progress = api.get(f"/api/channels/{channel_id}/progress/")
        for status in (*audit.WAITING, "archived", "failed", "skipped"):
            live[status] = live.get(status, 0) + progress.get(status, 0)
        syncs[channel_id] = (progress.get("sync") or {}).get("status")
    audit.audit_tree(findings, archive)
    audit.audit_syncs(findings, syncs)
    audit.audit_tallies(findings, archived_outcomes(stack), stored.get("archived", 0), stored, live)
    return findings


def archived_outcomes(stack: AppStack) -> float:
    """``ytarchive_downloads_total{status="archived"}`` from /metrics (loopback may scrape)."""
    from prometheus_client.parser import text_string_to_metric_families

    text = requests.get(f"{stack.base_url}/metrics", timeout=30).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "ytarchive_downloads_total" and sample.labels.get("status") == "archived":
                return sample.value
    return 0.0


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s chaos %(levelname)s %(message)s")
    seconds = env_number("CHAOS_SECONDS", 600)
    per_channel = int(env_number("CHAOS_VIDEOS", max(20, seconds // 4)))
    run_dir = Path(tempfile.mkdtemp(prefix="ytarchive-chaos-"))
    code = run(seconds, int(env_number("CHAOS_SEED", 21)), env_number("CHAOS_MEDIA_FAULTS", 0.15), per_channel,
               env_number("CHAOS_DRAIN_SECONDS", 600), run_dir)
    if code == 0:
        shutil.rmtree(run_dir, ignore_errors=True)
    else:
        log.warning("run folder kept for inspection: %s (stack.log, archive/, data/)", run_dir)
    sys.exit(code)


if __name__ == "__main__":
    main()
