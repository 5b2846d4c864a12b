"""`make bench`: the REST API under 50 concurrent clients while downloads run.

A fresh stack with `make run`'s defaults archives ``chan-bench-N`` from the throttled fixture
site; once downloads are in flight, 50 clients (a thread and a ``requests.Session`` each, token
auth) poll ``/api/channels/{id}/progress/`` and ``/api/channels/`` in turn for 10 s. Prints the
latency percentiles in ms and the requests per second served; asserts every answer was a 200.

Two phases, as the goal names two things:
* **polling** (``progress_p99_ms``, the < 50 ms goal): each client asks every ``POLL_SECONDS``, as
  a browser tab or a script polling progress does (the web app polls every 2 s; this is twice that
  rate, so 50 clients send about 100 requests a second);
* **saturation** (``api_rps``): each client asks again as soon as it has its answer, which measures
  the most the web processes serve; its latencies are only queueing (Little's law: 50 clients /
  rps), printed as ``progress_p99_saturated_ms``.
"""
from __future__ import annotations

import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from tests.bench.common import (
    ADMIN,
    BENCH_VIDEOS,
    MakeRunStack,
    default_stack_env,
    effective_settings,
    figure,
    human,
    knobs,
    throttled_site,
)
from tests.harness import Api, wait_for

CLIENTS = 50
SECONDS = 10.0
POLL_SECONDS = 1.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def hammer(base_url: str, token: str, paths: list[str],
           interval: float = 0.0) -> tuple[dict[str, list[float]], list[str], float]:
    """``CLIENTS`` threads, each cycling through ``paths`` until ``SECONDS`` are up.

    With ``interval``, each client sends on its own fixed schedule (starts spread over one
    interval); without, it sends again as soon as it has its answer.
    """
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS + 1)
    deadline = [0.0]

    stop = threading.Event()

    def client(offset: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        start.wait()
        n = offset
        due = time.monotonic() + interval * offset / CLIENTS
        while time.monotonic() < deadline[0]:
            if interval:
                stop.wait(max(0.0, due - time.monotonic()))
                due += interval
                if time.monotonic() >= deadline[0]:
                    break
            path = paths[n % len(paths)]
            n += 1
            began = time.perf_counter()
            try:
                response = session.get(base_url + path, timeout=30)
                ok, what = response.status_code == 200, f"{path}: {response.status_code}"
            except requests.RequestException as exc:
                ok, what = False, f"{path}: {exc}"
            elapsed = time.perf_counter() - began
            with lock:
                (latencies[path] if ok else errors).append(elapsed if ok else what)
        session.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + SECONDS
    start.wait()
    for thread in threads:
        thread.join(timeout=SECONDS + 60)
    return latencies, errors, time.monotonic() - began


def test_api_under_50_clients_while_downloading(fixture_media):
    work = Path(tempfile.mkdtemp(prefix="ytarchive-api-bench-"))
    try:
        with throttled_site(fixture_media["media_dir"]) as site:
            env = default_stack_env(work / "stack")
            human(f"API bench stack with make run's defaults: {knobs(effective_settings(env))}")
            app = MakeRunStack(env, work / "stack.log").start()
            try:
                token = Api(app.base_url).post("/api/auth/token/", json=ADMIN)["token"]
                api = Api(app.base_url, token)
                channel = api.post("/api/channels/", expect=201,
                                   json={"url": f"{site.base_url}/channel/chan-bench-{BENCH_VIDEOS}"})
                api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
                wait_for(lambda: api.get(f"/api/channels/{channel['id']}/progress/")["in_flight"], 120,
                         "a download in flight", poll=0.25)
                paths = [f"/api/channels/{channel['id']}/progress/", "/api/channels/"]
                latencies, errors, seconds = hammer(app.base_url, token, paths, POLL_SECONDS)
                in_flight = len(api.get(paths[0])["in_flight"])
                saturated, saturated_errors, saturated_seconds = hammer(app.base_url, token, paths)
                errors += saturated_errors
            finally:
                app.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    progress_ms = [s * 1000 for s in latencies[paths[0]]]
    channels_ms = [s * 1000 for s in latencies[paths[1]]]
    human(f"{CLIENTS} clients polling every {POLL_SECONDS:g} s for {seconds:.1f} s while downloads ran "
          f"({in_flight} in flight): {len(progress_ms) + len(channels_ms)} requests, {len(errors)} errors")
    figure("progress_p50_ms", round(statistics.median(progress_ms), 1))
    figure("progress_p99_ms", round(percentile(progress_ms, 99), 1))
    figure("channels_p50_ms", round(statistics.median(channels_ms), 1))
    figure("channels_p99_ms", round(percentile(channels_ms, 99), 1))
    served = sum(len(v) for v in saturated.values())
    human(f"{CLIENTS} clients asking back to back for {saturated_seconds:.1f} s: {served} requests")
    figure("progress_p99_saturated_ms", round(percentile([s * 1000 for s in saturated[paths[0]]], 99), 1))
    figure("api_rps", round(served / saturated_seconds, 1))
    assert not errors, errors[:10]
    assert progress_ms and channels_ms
