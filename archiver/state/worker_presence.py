"""Download workers' liveness, and the local scaler's wake-up.

* ``ytarchive:workers`` sorted set worker name -> the time its last "alive" runs out.
* ``ytarchive:scaler:wake`` a list of at most one item: "downloads were just queued", which
  the ``local`` scaler waits on between its looks at the queue, so a worker starts at once.
"""
from __future__ import annotations

import os
import socket
import time

import redis

from archiver.state.store import key


def scaler_wake_key() -> str:
    return key("scaler", "wake")


def wake_scaler(r: redis.Redis) -> None:
    """Ask the local scaler to look at the queue now, not at its next tick (work was just queued)."""
    pipe = r.pipeline()
    pipe.lpush(scaler_wake_key(), "1")
    pipe.ltrim(scaler_wake_key(), 0, 0)  # many wake-ups before it looks are one
    pipe.expire(scaler_wake_key(), 3600)
    pipe.execute()


def wait_for_scaler_wake(r: redis.Redis, timeout: float) -> bool:
    """Block until ``wake_scaler`` (True) or ``timeout`` seconds (False; keep it under the socket timeout)."""
    return r.blpop([scaler_wake_key()], timeout=timeout) is not None


def workers_key() -> str:
    return key("workers")


def worker_name(pid: int | None = None) -> str:
    """A download worker's name on the roll: ``host:pid`` (its own, or a child's the local scaler started)."""
    return f"{socket.gethostname()}:{os.getpid() if pid is None else pid}"


def live_worker_names(r: redis.Redis, now: float | None = None) -> set[str]:
    """The names of the download workers whose last word is still fresh."""
    return set(r.zrangebyscore(workers_key(), time.time() if now is None else now, "+inf"))


def mark_worker_alive(r: redis.Redis, name: str, ttl_seconds: float) -> None:
    """A download worker says it is alive for the next ``ttl_seconds`` (a sorted set: name -> until)."""
    r.zadd(workers_key(), {name: time.time() + ttl_seconds})


def mark_worker_gone(r: redis.Redis, name: str) -> None:
    r.zrem(workers_key(), name)


def live_workers(r: redis.Redis, now: float | None = None) -> int:
    """Download workers whose last word is still fresh; ones that died unheard drop out by themselves."""
    now = time.time() if now is None else now
    pipe = r.pipeline(transaction=False)
    pipe.zremrangebyscore(workers_key(), "-inf", now)
    pipe.zcard(workers_key())
    return int(pipe.execute()[1])
