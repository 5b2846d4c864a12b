"""`make bench`: listing speed and memory of a full sync, at 2,000 and 20,000 videos, against yt-dlp's
own flat listing of the same 20,000 entries.

Memory must stay flat: the 20,000-video sync may not grow the process much
more than the 2,000-video one (peers take tens of GB on channels this size).
"""
import json
import subprocess
import sys
import time

from tests.bench.common import figure
from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import REPO

BIG = 20_000
# Runs a command, passes its stdout through, and reports its peak RSS (KiB) on stderr's last line.
# (A small wrapper of its own, as ru_maxrss survives exec: yt-dlp spawned by pytest would inherit its peak.)
_MEASURE = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")


def run(n: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "tests.bench.listing_bench", str(n)], cwd=REPO,
                         env=plugin_env(), capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def ytdlp_flat_listing(url: str) -> dict:
    """yt-dlp's CLI listing ``url`` flat (one JSON line per entry, counted and dropped)."""
    command = [sys.executable, "-c", _MEASURE, str(REPO / ".venv" / "bin" / "yt-dlp"),
               "--flat-playlist", "--dump-json", url]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO, env=plugin_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    entries = sum(1 for _ in proc.stdout)
    stderr = proc.stderr.read().decode(errors="replace")
    proc.wait(timeout=1200)
    seconds = time.perf_counter() - started
    assert proc.returncode == 0, stderr[-3000:]
    return {"entries": entries, "seconds": round(seconds, 2),
            "peak_rss_mib": round(int(stderr.strip().splitlines()[-1]) / 1024, 1)}


def test_full_sync_of_big_channels_is_fast_and_flat(fixture_site):
    small, big = run(2_000), run(BIG)
    for figures in (small, big):
        print(f"\nBENCH full sync of {figures['videos']} videos: {figures['seconds']} s, "
              f"{figures['videos_per_second']} videos/s, peak RSS {figures['peak_rss_mib']} MiB "
              f"(+{figures['rss_growth_mib']} MiB during the sync)")
    ytdlp = ytdlp_flat_listing(f"{fixture_site.base_url}/channel/chan-big-{BIG}/videos")
    print(f"BENCH yt-dlp --flat-playlist --dump-json of the same {ytdlp['entries']} entries: "
          f"{ytdlp['seconds']} s (the whole process), peak RSS {ytdlp['peak_rss_mib']} MiB", flush=True)
    figure("index_seconds", big["seconds"])
    figure("ytdlp_flat_seconds", ytdlp["seconds"])
    figure("index_overhead_vs_ytdlp", round(big["seconds"] / ytdlp["seconds"], 3))
    figure("index_peak_rss_mb", big["peak_rss_mib"])
    figure("ytdlp_flat_peak_rss_mb", ytdlp["peak_rss_mib"])
    assert ytdlp["entries"] == BIG
    assert big["seen"] == BIG and big["queued"] == BIG
    assert big["peak_rss_mib"] < small["peak_rss_mib"] + 60
