"""Live byte counts of the downloads in flight, and each one's heartbeat, for the pages and the metrics.

* ``ytarchive:dl:{channel}:{video}`` hash of a download's counts and its ``beat`` (epoch seconds of
  the last word from its worker's lease keeper); it expires unless refreshed.

A download's lock lives as long as its lease (YTARCHIVE_LEASE_SECONDS, a minute by default), so a
worker killed mid-download still "holds" its videos for that long. The heartbeat, written every
BEAT_SECONDS whatever yt-dlp is doing (downloading, merging, waiting for a slot), tells within a few
seconds a live download from one whose worker died: the pages show the latter as interrupted.
"""
from __future__ import annotations

import time

import redis

from archiver.state.store import key

BEAT_SECONDS = 2.0
#: A download whose last heartbeat is older than this is shown as interrupted (its worker is gone).
STALE_SECONDS = 3 * BEAT_SECONDS


def download_progress_key(channel_id: str, video_id: str) -> str:
    return key("dl", channel_id, video_id)


def publish_download_progress(r: redis.Redis, channel_id: str, video_id: str, fields: dict,
                              ttl_seconds: int = 120) -> None:
    key = download_progress_key(channel_id, video_id)
    pipe = r.pipeline(transaction=False)
    pipe.hset(key, mapping={k: v for k, v in fields.items() if v is not None})
    pipe.expire(key, ttl_seconds)
    pipe.execute()


def beat(r: redis.Redis, channel_id: str, video_id: str, ttl_seconds: float, now: float | None = None,
         worker: str = "") -> None:
    """The download's worker (``worker``: its name on the roll, archiver.state.worker_presence) is alive now;
    the hash outlives the lease (``ttl_seconds``)."""
    key = download_progress_key(channel_id, video_id)
    pipe = r.pipeline(transaction=False)
    fields = {"beat": f"{time.time() if now is None else now:.3f}", **({"worker": worker} if worker else {})}
    pipe.hset(key, mapping=fields)
    pipe.expire(key, max(1, int(ttl_seconds)))
    pipe.execute()


def is_live(fields: dict, now: float | None = None, workers: set[str] | None = None) -> bool:
    """True unless the download's heartbeat is older than STALE_SECONDS, or its worker is known and no longer
    on the roll (``workers``: the local scaler strikes a child that died at once, before it starts the next,
    so a killed worker's downloads never count beside its successor's). A download without a heartbeat is
    live: it was just claimed (its keeper beats at once), or its worker predates heartbeats."""
    if workers is not None and fields.get("worker") and fields["worker"] not in workers:
        return False
    beat_at = fields.get("beat")
    if not beat_at:
        return True
    now = time.time() if now is None else now
    return now - float(beat_at) <= STALE_SECONDS


def download_progress(r: redis.Redis, channel_id: str, video_id: str) -> dict:
    return r.hgetall(download_progress_key(channel_id, video_id))


def clear_download_progress(r: redis.Redis, channel_id: str, video_id: str) -> None:
    r.delete(download_progress_key(channel_id, video_id))
