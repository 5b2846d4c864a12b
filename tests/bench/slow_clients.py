"""Benchmark: /health while 20 readers read a large video at 16 KB/s (issue 21, ``slow_clients_health_p99_ms``).

The web program as ``make run`` starts it (config.launch's gunicorn command
line, every setting at its default: 2 gthread workers of WEB_THREADS threads)
with a sparse 1 GB video in its archive; 20 readers with small receive
buffers read it at 16 KB/s for YTARCHIVE_BENCH_SLOW_SECONDS (60) seconds
while /health is asked every 50 ms over a fresh connection. Prints
``name: value`` lines: ``slow_clients_health_p99_ms`` (goal < 100 ms), its
p50 and max, how many /health requests failed, and how many readers were cut.

Runs on its own: ``.venv/bin/python -m tests.bench.slow_clients`` (the
``main()`` of this module prints the lines), or through make bench
(tests/bench/test_slow_clients_bench.py).
"""
from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from tests.bench.common import figure

READERS = 20
RATE = 16 * 1024
SIZE = 1024 * 1024 * 1024
SECONDS = float(os.environ.get("YTARCHIVE_BENCH_SLOW_SECONDS", "60"))


def main(readers: int = READERS, seconds: float = SECONDS) -> dict:
    """Run the benchmark, print its figures, return them."""
    import tests.env_setup  # noqa: F401 (this run's own folders, Django set up)
    from tests.slow_clients import HealthPoller, SlowReader, WebServer, percentile

    server = WebServer(Path(tempfile.mkdtemp(prefix="ytarchive-bench-slow-")), SIZE).start()
    try:
        health = HealthPoller(server.base_url, interval=0.05)
        clients = [SlowReader(server, RATE, seconds) for _ in range(readers)]
        for client in clients:
            client.start()
        for client in clients:
            client.head_received.wait(60)
        health.start()
        for client in clients:
            client.join(timeout=seconds + 120)
        health.stop()
    finally:
        server.stop()
    latencies = health.latencies_ms
    figures = {
        "slow_clients_health_p99_ms": percentile(latencies, 0.99),
        "slow_clients_health_p50_ms": statistics.median(latencies),
        "slow_clients_health_max_ms": max(latencies),
        "slow_clients_health_requests": len(latencies),
        "slow_clients_health_failures": len(health.failures),
        "slow_clients_readers_streaming": sum(1 for c in clients if c.status == 200),
        "slow_clients_readers_cut": sum(1 for c in clients if c.cut or c.status != 200),
    }
    for name, value in figures.items():
        figure(name, value)
    return figures


if __name__ == "__main__":
    main()
