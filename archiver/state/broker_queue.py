"""What waits in Celery's Redis lists: the download queue's length and the videos it holds.

These are kombu's keys (its Redis transport's), read here so nothing else names them.
"""
from __future__ import annotations

import json
import time

import redis

from archiver.task_names import DOWNLOAD_VIDEO

DOWNLOADS_QUEUE = "downloads"
# kombu's Redis transport keeps one list per priority step beside the plain one.
_PRIORITY_SEP = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)
# kombu's Redis transport keeps the messages workers took and have not acknowledged in this hash,
# and when each was taken (its delivery tag scored by the time) in this sorted set.
_UNACKED = "unacked"
_UNACKED_INDEX = "unacked_index"


def queue_length(r: redis.Redis, queue: str = DOWNLOADS_QUEUE) -> int:
    """Messages waiting in a Celery queue (all priority lists): for downloads, the feeder's window."""
    keys = [queue] + [f"{queue}{_PRIORITY_SEP}{step}" for step in _PRIORITY_STEPS]
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.llen(key)
    return sum(pipe.execute())


def download_message_pks(r: redis.Redis, limit: int = 5000, queue: str = DOWNLOADS_QUEUE,
                         taken_within: float | None = None) -> set[int] | None:
    """The ``video_pk`` of every download message still somewhere in the broker: waiting in the queue or
    taken by a worker and not yet acknowledged. None when there are more than ``limit`` (the feeder's
    window keeps far fewer; too many to read means: assume none is lost).

    ``taken_within`` (seconds): count a taken message only if it was taken that recently. A worker that
    loses its connection (a Redis restart) drops the messages it had taken and not started, but kombu's
    record of them survives in an AOF until its visibility timeout (an hour) puts them back; the caller
    decides whether a message taken long ago whose video nobody works on is lost.
    """
    import base64

    keys = [queue] + [f"{queue}{_PRIORITY_SEP}{step}" for step in _PRIORITY_STEPS]
    if queue_length(r, queue) + r.hlen(_UNACKED) > limit:
        return None
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.lrange(key, 0, -1)
    raws = [item for items in pipe.execute() for item in items]
    if taken_within is None:
        raws += r.hvals(_UNACKED)
    elif recent := r.zrangebyscore(_UNACKED_INDEX, time.time() - taken_within, "+inf"):
        raws += [raw for raw in r.hmget(_UNACKED, recent) if raw is not None]
    found = set()
    for raw in raws:
        try:
            message = json.loads(raw)
            if isinstance(message, list):  # unacked: [message, exchange, routing key]
                message = message[0]
            if message.get("headers", {}).get("task") != DOWNLOAD_VIDEO:
                continue
            body = message["body"]
            if message.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body)
            found.add(int(json.loads(body)[0][0]["video_pk"]))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            continue  # not a download message of ours
    return found
