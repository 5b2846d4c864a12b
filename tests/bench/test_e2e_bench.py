"""`make bench`: archiving a whole channel end to end, side by side with plain yt-dlp and ytdl-sub.

One run, one channel (``chan-bench-60``: 60 real mp4s of ``YTARCHIVE_BENCH_MB`` MB, default 3),
one fixture site that caps every connection at 1 MiB/s and answers after 50 ms, as video sites
do. Measured in turn:

- ``limit_seconds``: every file of the channel fetched at once, one connection each: the floor;
- ``floor_seconds``: the floor at the stack's own concurrency: ceil(videos / downloads at once) rounds
  of one video file's transfer (its size at the site's rate, plus the wait for its first byte),
  where downloads at once is what the stack's settings allow from one site (every worker's
  threads, capped by its per-site slots); ``e2e_vs_floor`` is the stack's time over it;
- ``e2e_seconds``: a fresh stack started as `make run` starts it, every knob at its default, from
  ``POST /api/channels/`` (+ ``/sync/``) to every video archived;
- ``ytdlp_cli_seconds``: the yt-dlp command line with the same outputs;
- ``ytdlsub_seconds``: ytdl-sub (PyPI; its own venv, it pins another yt-dlp) with a minimal
  subscription writing the same outputs.

The two peers run at the same time (each downloads one file at a time, so each is bound by the
per-connection cap and the latency, not by the CPU: run one after the other, with
``YTARCHIVE_BENCH_SERIAL=1``, they take the same time to within 1 %); the stack runs alone.

Prints ``name: value`` lines and the ratios e2e / other; asserts only correctness (every
archived video.mp4 byte-identical to what the site served and to yt-dlp's). The lead judges the
figures. ``YTARCHIVE_BENCH_VIDEOS``, ``YTARCHIVE_BENCH_MB``, ``YTARCHIVE_BENCH_RATE_MIB`` and
``YTARCHIVE_BENCH_FIRST_BYTE_MS`` change the set-up; ``YTARCHIVE_BENCH_PEERS=0`` leaves the two
peers out (the stack's figures alone, in a minute instead of four).
"""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.bench.common import (
    ADMIN,
    BENCH_VIDEOS,
    FIRST_BYTE_DELAY,
    MEDIA_RATE,
    MIB,
    MakeRunStack,
    WorkerRssSampler,
    default_stack_env,
    effective_settings,
    figure,
    human,
    knobs,
    throttled_site,
)
from tests.fixture_site import catalog, media
from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import REPO, Api, wait_for

VENV_BIN = Path(REPO) / ".venv" / "bin"
YTDLSUB = Path(REPO) / ".cache" / "bench-venv" / "bin" / "ytdl-sub"
TIMEOUT = 1800
PEERS = os.environ.get("YTARCHIVE_BENCH_PEERS", "1") not in ("0", "false", "no", "off")


@pytest.fixture(scope="module")
def site(fixture_media):
    with throttled_site(fixture_media["media_dir"]) as site:
        yield site


@pytest.fixture(scope="module")
def work_dir():
    path = Path(tempfile.mkdtemp(prefix="ytarchive-e2e-bench-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def channel_url(site) -> str:
    return f"{site.base_url}/channel/chan-bench-{BENCH_VIDEOS}"


def video_ids() -> list[str]:
    return list(catalog.get_channel(f"chan-bench-{BENCH_VIDEOS}").tabs["videos"])


def check_videos(folder_of, site, what: str) -> None:
    """Every video's mp4 (``folder_of(vid) / "video.mp4"``) is byte-identical to the site's."""
    for vid in video_ids():
        got = folder_of(vid) / "video.mp4"
        assert got.is_file(), f"{what}: {got} missing"
        assert got.read_bytes() == site.mp4_bytes(vid), f"{what}: {got} differs from what the site served"


def measure_limit(site) -> float:
    """Every file of every video (mp4, thumbnail, subtitles) fetched at once, a connection each."""
    urls = []
    for vid in video_ids():
        video = catalog.get_video(vid)
        urls += [f"{site.base_url}/media/{vid}.mp4", f"{site.base_url}/thumbs/{vid}.{video.thumbnail_ext}"]
        urls += [f"{site.base_url}/subs/{vid}.{lang}.vtt" for lang in media.SUBTITLE_LANGS]

    def fetch(url: str) -> tuple[str, bytes]:
        with urllib.request.urlopen(url, timeout=120) as response:
            return url, response.read()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        bodies = dict(pool.map(fetch, urls))
    seconds = time.perf_counter() - started
    for vid in video_ids():
        assert bodies[f"{site.base_url}/media/{vid}.mp4"] == site.mp4_bytes(vid)
    return seconds


def downloads_at_once(settings: dict) -> int:
    """How many downloads the stack's settings let run at once from one site (0: unknown)."""
    threads = int(settings.get("MAX_WORKERS") or 0) * int(settings.get("DOWNLOADS_PER_WORKER") or 0)
    per_site = int(settings.get("DOWNLOADS_PER_SITE") or 0)
    return min(threads, per_site) if per_site > 0 and threads > 0 else threads


def floor_seconds(videos: int, at_once: int, file_bytes: int) -> float:
    """ceil(videos / at_once) rounds of one file's transfer at the site's rate, first byte included."""
    return math.ceil(videos / at_once) * (file_bytes / MEDIA_RATE + FIRST_BYTE_DELAY)


def measure_e2e(site, work_dir: Path) -> tuple[float, float, dict]:
    env = default_stack_env(work_dir / "stack")
    settings = effective_settings(env)
    human(f"stack with make run's defaults: {knobs(settings)}")
    app = MakeRunStack(env, work_dir / "stack.log").start()
    sampler = WorkerRssSampler(env["REDIS_URL"])
    sampler.start()
    try:
        api = Api(app.base_url, Api(app.base_url).post("/api/auth/token/", json=ADMIN)["token"])
        started = time.perf_counter()
        channel = api.post("/api/channels/", expect=201, json={"url": channel_url(site)})
        api.post(f"/api/channels/{channel['id']}/sync/", expect=202)

        def done():
            progress = api.get(f"/api/channels/{channel['id']}/progress/")
            assert progress["failed"] == 0, progress
            return progress["total"] == BENCH_VIDEOS and progress["archived"] == BENCH_VIDEOS
        wait_for(done, TIMEOUT, "every video archived", poll=0.25)
        seconds = time.perf_counter() - started
    except BaseException:
        print(app.log_tail(60))
        raise
    finally:
        sampler.stop()
        app.stop()
    folder = Path(env["ARCHIVE_ROOT"]) / channel["id"] / "videos"
    check_videos(lambda vid: folder / vid, site, "e2e")
    return seconds, sampler.peak_mib, settings


def measure_ytdlp_cli(site, work_dir: Path) -> float:
    out = work_dir / "ytdlp"
    command = [
        str(VENV_BIN / "yt-dlp"), "--no-progress", "--write-info-json", "--write-thumbnail",
        "--convert-thumbnails", "jpg", "--write-subs", "--sub-langs", "all", "--convert-subs", "vtt",
        "--download-archive", str(work_dir / "ytdlp-archive.txt"),
        "-o", f"{out}/%(id)s/video.%(ext)s", channel_url(site),
    ]
    with open(work_dir / "ytdlp.log", "wb") as log:
        started = time.perf_counter()
        result = subprocess.run(command, env=plugin_env(), stdout=log, stderr=subprocess.STDOUT, timeout=TIMEOUT)
        seconds = time.perf_counter() - started
    assert result.returncode == 0, (work_dir / "ytdlp.log").read_text()[-3000:]
    check_videos(lambda vid: out / vid, site, "yt-dlp")
    return seconds


YTDLSUB_CONFIG = """\
configuration:
  working_directory: "{work}/working"
  lock_directory: "{work}"
presets:
  ytarchive_bench:
    download: "{{subscription_value}}"
    output_options:
      output_directory: "{out}"
      file_name: "{{uid}}/video.{{ext}}"
      thumbnail_name: "{{uid}}/thumbnail.{{thumbnail_ext}}"
      info_json_name: "{{uid}}/video.{{info_json_ext}}"
      maintain_download_archive: True
    subtitles:
      subtitles_name: "{{uid}}/subtitles/{{lang}}.{{subtitles_ext}}"
      subtitles_type: "vtt"
      languages: ["en", "de"]
    ytdl_options:
      # ytdl-sub's subtitles plugin sleeps 5.367 s before each subtitle file "for safe measure";
      # the other tools do not wait, so neither does it here.
      sleep_interval_subtitles: 0.0
"""


def measure_ytdlsub(site, work_dir: Path) -> float | str:
    if not YTDLSUB.exists():
        return "unavailable (not installed: `make bench` installs it into .cache/bench-venv)"
    work, out = work_dir / "ytdlsub", work_dir / "ytdlsub-out"
    work.mkdir()
    (work / "config.yaml").write_text(YTDLSUB_CONFIG.format(work=work, out=out))
    (work / "subscriptions.yaml").write_text(
        f'ytarchive_bench:\n  "chan-bench-{BENCH_VIDEOS}": "{channel_url(site)}"\n')
    command = [str(YTDLSUB), "-c", str(work / "config.yaml"), "sub", str(work / "subscriptions.yaml")]
    with open(work_dir / "ytdlsub.log", "wb") as log:
        started = time.perf_counter()
        result = subprocess.run(command, cwd=work, env=plugin_env(), stdout=log, stderr=subprocess.STDOUT,
                                timeout=TIMEOUT)
        seconds = time.perf_counter() - started
    assert result.returncode == 0, (work_dir / "ytdlsub.log").read_text()[-3000:]
    check_videos(lambda vid: out / vid, site, "ytdl-sub")
    return seconds


@pytest.mark.timeout(2 * TIMEOUT)
def test_archive_a_channel_end_to_end_against_ytdlp_and_ytdlsub(site, work_dir):
    size = len(site.mp4_bytes(video_ids()[0]))
    human(f"chan-bench-{BENCH_VIDEOS}: {BENCH_VIDEOS} videos of {size / MIB:.2f} MiB, served at "
          f"{MEDIA_RATE / MIB:g} MiB/s per connection, {FIRST_BYTE_DELAY * 1000:g} ms to first byte")
    limit = measure_limit(site)
    human(f"every file at once, a connection each: {limit:.1f} s")
    e2e, worker_rss, settings = measure_e2e(site, work_dir)
    at_once = downloads_at_once(settings)
    floor = floor_seconds(BENCH_VIDEOS, at_once, size) if at_once and MEDIA_RATE else 0.0
    human(f"ytarchive, make run's defaults, add + sync to all archived: {e2e:.1f} s; "
          f"download worker peak RSS {worker_rss:.0f} MiB")
    human(f"floor at {at_once} downloads at once: ceil({BENCH_VIDEOS} / {at_once}) x "
          f"{size / MEDIA_RATE + FIRST_BYTE_DELAY if MEDIA_RATE else 0:.2f} s = {floor:.1f} s")
    skipped = "skipped (YTARCHIVE_BENCH_PEERS=0)"
    ytdlp_cli = ytdlsub = skipped
    if PEERS:
        with ThreadPoolExecutor(max_workers=1 if os.environ.get("YTARCHIVE_BENCH_SERIAL") else 2) as pool:
            peers = pool.submit(measure_ytdlp_cli, site, work_dir), pool.submit(measure_ytdlsub, site, work_dir)
            ytdlp_cli, ytdlsub = (future.result() for future in peers)
        human(f"yt-dlp CLI: {ytdlp_cli:.1f} s")
        human(f"ytdl-sub: {ytdlsub if isinstance(ytdlsub, str) else f'{ytdlsub:.1f} s'}")

    figure("e2e_seconds", e2e)
    figure("ytdlp_cli_seconds", ytdlp_cli)
    figure("ytdlsub_seconds", ytdlsub)
    figure("limit_seconds", limit)
    figure("floor_seconds", floor if floor else "unavailable (no per-connection rate, or no settings)")
    figure("e2e_vs_ytdlp_cli", round(e2e / ytdlp_cli, 3) if not isinstance(ytdlp_cli, str) else ytdlp_cli)
    figure("e2e_vs_ytdlsub", round(e2e / ytdlsub, 3) if not isinstance(ytdlsub, str) else ytdlsub)
    figure("e2e_vs_limit", round(e2e / limit, 3))
    figure("e2e_vs_floor", round(e2e / floor, 3) if floor else "unavailable")
    figure("worker_rss_mb", round(worker_rss, 1))
    # The archive and yt-dlp agree byte for byte (both were checked against the site above).
    assert worker_rss > 0, "no download worker was seen"
