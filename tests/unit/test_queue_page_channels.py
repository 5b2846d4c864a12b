"""The queue page: one row per download in flight, whatever waits; a download whose worker died is shown as
interrupted within seconds, not as downloading until its lease runs out.

It once listed each running download once per queued video of its channel (48 rows for 6 downloads with
8 queued: ``values_list("channel_id").distinct()`` with the model's ordering in the DISTINCT) and polled
each channel's progress for them. Now the page reads every held lock in one Redis round trip
(``download_locks.held_locks``) and its script polls that one fragment.
"""
import re
import time

import pytest

from archiver.state import download_locks, download_progress, video_states
from channels_app import progress
from channels_app.models import Channel, Video

pytestmark = pytest.mark.django_db
LEASE = 60.0  # the default lease: a killed worker's lock would stay this long


def channel_with(cid: str, statuses: list[str]) -> Channel:
    channel = Channel.objects.create(id=cid, url=f"https://example.org/{cid}", source_url="x", extractor="x",
                                     raw_id=cid, title=f"Title of {cid}")
    for n, status in enumerate(statuses):
        Video.objects.create(channel=channel, video_id=f"{cid}-v{n}", raw_id=f"v{n}", url="https://example.org/v",
                             title=f"Video {n} of {cid}", status=status, upload_date=f"202601{n + 1:02d}")
    return channel


def start_download(r, cid: str, vid: str, beat_at: float | None = None, downloaded: int = 1000) -> None:
    """What a worker's download writes: its lock (and lease), its state, its bytes and its heartbeat."""
    assert download_locks.acquire_lock(r, cid, vid, f"token-{vid}", LEASE)
    video_states.set_state(r, cid, vid, "downloading")
    download_progress.publish_download_progress(r, cid, vid, {"status": "downloading", "downloaded_bytes": downloaded,
                                                              "total_bytes": 4096, "speed": 512, "eta": 6})
    download_progress.beat(r, cid, vid, ttl_seconds=120, now=beat_at)


def rows(html: str, which: str) -> list[str]:
    found = re.search(rf'data-list="{which}">(.*?)</ul>', html, re.S)
    return re.findall(r'data-video="([^"]+)"', found.group(1)) if found else []


def test_six_downloads_with_eight_queued_are_six_rows(reader, redis_client):
    channel_with("chan-a", ["queued"] * 14)  # the catalog says queued until an outcome lands
    for n in range(8, 14):
        start_download(redis_client, "chan-a", f"chan-a-v{n}")
    page = reader.get("/queue/").content.decode()
    assert sorted(rows(page, "downloading")) == sorted(f"chan-a/chan-a-v{n}" for n in range(8, 14))
    assert "Downloading now (6)" in page and "chan-a</a>: 8 queued" in page
    assert "Video 9 of chan-a" in page and "1000 B of 4.0 KiB" in page  # titles and binary sizes
    fragment = reader.get("/queue/live/").content.decode()
    assert len(rows(fragment, "downloading")) == 6 and "data-list=\"interrupted\"" not in fragment


def test_a_download_whose_worker_died_is_interrupted_at_once_though_its_lock_holds(reader, redis_client):
    channel_with("chan-b", ["downloading"] * 3)
    now = time.time()
    start_download(redis_client, "chan-b", "chan-b-v0", beat_at=now)
    start_download(redis_client, "chan-b", "chan-b-v1", beat_at=now)
    start_download(redis_client, "chan-b", "chan-b-v2", beat_at=now - download_progress.STALE_SECONDS - 1)  # killed
    assert redis_client.exists(download_locks.lock_key("chan-b", "chan-b-v2"))  # its lease has ~a minute left
    fragment = reader.get("/queue/live/").content.decode()
    assert sorted(rows(fragment, "downloading")) == ["chan-b/chan-b-v0", "chan-b/chan-b-v1"]
    assert rows(fragment, "interrupted") == ["chan-b/chan-b-v2"]
    assert "interrupted, resuming" in fragment
    body = progress.progress("chan-b")
    assert (body["downloading"], body["interrupted"]) == (2, 1)  # never more downloading than live workers
    assert {f["video_id"]: f["state"] for f in body["in_flight"]} == {
        "chan-b-v0": "downloading", "chan-b-v1": "downloading", "chan-b-v2": "interrupted"}


def test_one_poll_reads_every_download_in_one_round_trip(redis_client):
    for c in ("chan-c", "chan-d"):
        for n in range(3):
            start_download(redis_client, c, f"{c}-v{n}")
    download_locks.release_lock(redis_client, "chan-d", "chan-d-v0", "token-chan-d-v0")  # finished
    held = download_locks.held_locks(redis_client)
    assert sorted((c, v) for c, v, _ in held) == [("chan-c", f"chan-c-v{n}") for n in range(3)] + [
        ("chan-d", "chan-d-v1"), ("chan-d", "chan-d-v2")]
    assert all(fields["downloaded_bytes"] == "1000" for _, _, fields in held)


def test_a_thousand_waiting_channels_are_the_hundred_with_most_and_one_line_more(monkeypatch, reader, redis_client):
    from front_app.pages import queue as web

    monkeypatch.setattr(web, "SHOWN", 2)  # the page's cap, small here
    for cid, count in {"chan-a": 1, "chan-b": 3, "chan-c": 2, "chan-d": 4}.items():
        channel_with(cid, ["queued"] * count)
    page = reader.get("/queue/").content.decode()
    assert "chan-d</a>: 4 queued" in page and "chan-b</a>: 3 queued" in page
    assert "chan-c</a>" not in page and "and 2 more channels: 3 queued" in page
