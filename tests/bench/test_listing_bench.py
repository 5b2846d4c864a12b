"""`make bench`: listing speed and memory of a full sync, at 2,000 and 20,000 videos.

Memory must stay flat: the 20,000-video sync may not grow the process much
more than the 2,000-video one (peers take tens of GB on channels this size).
"""
import json
import subprocess
import sys

from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import REPO


def run(n: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "tests.bench.listing_bench", str(n)], cwd=REPO,
                         env=plugin_env(), capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_full_sync_of_big_channels_is_fast_and_flat():
    small, big = run(2_000), run(20_000)
    for figures in (small, big):
        print(f"\nBENCH full sync of {figures['videos']} videos: {figures['seconds']} s, "
              f"{figures['videos_per_second']} videos/s, peak RSS {figures['peak_rss_mib']} MiB "
              f"(+{figures['rss_growth_mib']} MiB during the sync)")
    assert big["seen"] == 20_000 and big["queued"] == 20_000
    assert big["peak_rss_mib"] < small["peak_rss_mib"] + 60
