"""Downloads in flight for the queue page's screenshot, put in place the way a download worker writes them.

A real download of the screenshot library would need minutes of throttled media and would never stop at the same
byte. The queue page reads what workers publish in Redis (archiver.state: a video's download lock with its lease,
its progress hash with bytes, speed, ETA and heartbeat), so that is what is written here, through the same
functions, into the screenshot run's own Redis, for videos of tests/browser/library_data.py; and removed again
right after the picture. A heartbeat in the future keeps a row "downloading" however long the page takes; one an
hour old makes a row "interrupted, resuming". The rows are not queued in the catalog, so no worker takes them.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

from archiver.state import download_locks, download_progress, store

MIB = 1024 * 1024
# channel, video, downloaded bytes, total bytes, bytes per second, seconds left, heartbeat (+: live, -: gone)
FLIGHTS = [
    ("look-field", "look-f2", 612 * MIB, 1480 * MIB, 9.4 * MIB, 92, 600),
    ("look-workshop", "look-06", 41 * MIB, 188 * MIB, 3.1 * MIB, 47, 600),
    ("look-sky", "look-s1", 118 * MIB, 121 * MIB, 5.8 * MIB, 1, 600),
    ("look-kitchen", "look-k1", 230 * MIB, 402 * MIB, None, None, -3600),
]
LEASE_SECONDS = 300.0  # outlives the picture; released right after it


@contextmanager
def downloads_in_flight(redis_url: str):
    """The FLIGHTS in Redis for the duration of the ``with`` block."""
    r = store.connect(redis_url)
    now = time.time()
    for channel_id, video_id, done, total, speed, eta, beat in FLIGHTS:
        assert download_locks.acquire_lock(r, channel_id, video_id, f"screenshot-{video_id}", LEASE_SECONDS)
        download_progress.publish_download_progress(r, channel_id, video_id, {
            "status": "downloading", "downloaded_bytes": done, "total_bytes": total, "speed": speed, "eta": eta})
        download_progress.beat(r, channel_id, video_id, ttl_seconds=LEASE_SECONDS, now=now + beat)
    try:
        yield FLIGHTS
    finally:
        for channel_id, video_id, *_ in FLIGHTS:
            download_locks.release_lock(r, channel_id, video_id, f"screenshot-{video_id}")
            download_progress.clear_download_progress(r, channel_id, video_id)
