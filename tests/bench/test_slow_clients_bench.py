"""`make bench`: /health while 20 slow readers read a large video (tests/bench/slow_clients.py)."""
from tests.bench.slow_clients import main


def test_slow_clients_never_starve_health():
    figures = main()
    assert figures["slow_clients_health_failures"] == 0
    assert figures["slow_clients_readers_cut"] == 0
    assert figures["slow_clients_health_p99_ms"] < 100
