"""`make bench-scale`'s pages: which URL each figure times, the logged-in clients, and the timing itself.

Every page is asked as its users ask it: web pages with a session (the login form), the API with a token,
the podcast feed with its secret token, /metrics from loopback. Each is asked a few times first (caches,
the progress counts Redis rebuilds once), then up to BENCH_SCALE_REQUESTS times one after another, or until
BENCH_SCALE_PAGE_SECONDS have gone (a page that takes seconds still gets its samples, the run still ends).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import requests

from archiver import tree

REQUESTS = int(os.environ.get("BENCH_SCALE_REQUESTS", "100"))
WARMUP = int(os.environ.get("BENCH_SCALE_WARMUP", "3"))
PAGE_SECONDS = float(os.environ.get("BENCH_SCALE_PAGE_SECONDS", "45"))
MIN_SAMPLES = 5
INFO_KB = int(os.environ.get("BENCH_SCALE_INFO_KB", "900"))  # a real YouTube info.json: formats make it big


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p99 of 100 samples is the 99th smallest)."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
    return ordered[int(rank) - 1]


def pages(seeded: dict) -> dict[str, tuple[str, str]]:
    """PAGE -> (who asks: session/token/none, path)."""
    big, measured = seeded["big_channel"], seeded["feed_channel"]
    last_page = -(-seeded["big_channel_videos"] // 48)  # front_app.pages.channels.PAGE_SIZE
    return {
        "home": ("session", "/"),
        "channel_p1": ("session", f"/channels/{big}/"),
        "channel_p400": ("session", f"/channels/{big}/?page={min(400, last_page)}"),
        "video": ("session", f"/channels/{measured}/videos/{seeded['feed_videos'][0]}/"),
        "queue": ("session", "/queue/"),
        "title_search": ("session", f"/channels/{big}/?q=speedrun"),
        "channel_by_views": ("session", f"/channels/{big}/?sort=views"),
        "channel_cards": ("session", f"/channels/{big}/cards/?since=0"),
        "stats": ("session", "/stats/"),
        "progress": ("token", f"/api/channels/{measured}/progress/"),
        "feed": ("none", f"/feeds/{measured}.xml?token={seeded['feed_token']}"),
        "opml": ("token", "/api/feeds.opml"),
        "api_channels": ("token", "/api/channels/"),
        "api_videos": ("token", "/api/videos/"),
        "api_video": ("token", f"/api/videos/{seeded['video_pk']}/"),
    }


def clients(base_url: str, username: str, password: str) -> dict[str, requests.Session]:
    """A logged-in browser session, an API token client and an anonymous one."""
    session = requests.Session()
    session.get(f"{base_url}/login/", timeout=60).raise_for_status()
    answer = session.post(f"{base_url}/login/", timeout=60, allow_redirects=False, data={
        "username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    assert answer.status_code == 302, f"login failed: {answer.status_code} {answer.text[:300]}"
    token = requests.post(f"{base_url}/api/auth/token/", json={"username": username, "password": password},
                          timeout=60).json()["token"]
    api = requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    return {"session": session, "token": api, "none": requests.Session()}


def time_page(client: requests.Session, url: str) -> dict:
    """Warm-up, then timed requests: ``{"samples": [ms, ...], "bytes": n}``; any answer but 200 fails."""
    def once() -> tuple[float, int]:
        started = time.perf_counter()
        response = client.get(url, timeout=600)
        body = response.content
        ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, f"{url}: HTTP {response.status_code} {body[:300]!r}"
        return ms, len(body)

    for _ in range(WARMUP):
        once()
    samples, size = [], 0
    deadline = time.monotonic() + PAGE_SECONDS
    while len(samples) < REQUESTS and (len(samples) < MIN_SAMPLES or time.monotonic() < deadline):
        ms, size = once()
        samples.append(ms)
    return {"samples": samples, "bytes": size}


def make_archive_folders(root: Path, seeded: dict) -> None:
    """Folders for the videos the feed and video pages read (the rest of the catalog is rows only).

    Each has a sparse video.mp4 of a real size, a thumbnail and an info.json of INFO_KB (the formats list
    is what makes a real one big) with the video's description; the channel gets its poster.
    """
    channel = seeded["feed_channel"]
    padding = [{"format_id": str(n), "url": "https://rr1.googlevideo.example/videoplayback?" + "x" * 900,
                "ext": "mp4", "vcodec": "avc1.640028", "acodec": "none", "filesize": 10_000_000 + n}
               for n in range(max(1, INFO_KB))]
    for n, video_id in enumerate(seeded["feed_videos"]):
        folder = tree.video_dir(root, channel, video_id)
        if (folder / tree.INFO_FILE).is_file():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "video.mp4", "wb") as fh:
            fh.truncate(200_000_000 + n * 1_000_003)
        (folder / tree.THUMBNAIL_FILE).write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20_000)
        (folder / "subtitles").mkdir(exist_ok=True)
        (folder / "subtitles" / "en.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n")
        info = {"id": video_id, "title": f"Video {video_id}", "channel_id": channel,
                "description": f"The description of {video_id}, as the site gave it. " * 20,
                "formats": padding}
        (folder / tree.INFO_FILE).write_text(json.dumps(info))
    poster = tree.poster_path(root, channel)
    poster.parent.mkdir(parents=True, exist_ok=True)
    poster.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20_000)
