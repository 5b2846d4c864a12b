"""Live byte counts of the downloads in flight, for the pages and the metrics.

* ``ytarchive:dl:{channel}:{video}`` hash of a download's counts; it expires unless refreshed.
"""
from __future__ import annotations

import redis

from archiver.state.store import key


def download_progress_key(channel_id: str, video_id: str) -> str:
    return key("dl", channel_id, video_id)


def publish_download_progress(r: redis.Redis, channel_id: str, video_id: str, fields: dict,
                              ttl_seconds: int = 120) -> None:
    key = download_progress_key(channel_id, video_id)
    pipe = r.pipeline(transaction=False)
    pipe.hset(key, mapping={k: v for k, v in fields.items() if v is not None})
    pipe.expire(key, ttl_seconds)
    pipe.execute()


def download_progress(r: redis.Redis, channel_id: str, video_id: str) -> dict:
    return r.hgetall(download_progress_key(channel_id, video_id))


def clear_download_progress(r: redis.Redis, channel_id: str, video_id: str) -> None:
    r.delete(download_progress_key(channel_id, video_id))
