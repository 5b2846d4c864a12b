"""The Redis client of every key family in this package, and the prefix every key name starts with.

One client (and connection pool) per URL per process. Key names are built only in
archiver.state's modules, each from ``key()``, so one prefix covers them all.
"""
from __future__ import annotations

import functools

import redis

PREFIX = "ytarchive"


@functools.lru_cache(maxsize=8)
def connect(url: str) -> redis.Redis:
    """One client (and connection pool) per URL per process."""
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=10, socket_connect_timeout=5,
        health_check_interval=30, retry_on_timeout=True,
    )


def key(*parts: str) -> str:
    """``ytarchive:part:part...``: a key name of this package's families."""
    return ":".join((PREFIX, *parts))


def ping(r: redis.Redis) -> bool:
    try:
        return bool(r.ping())
    except redis.RedisError:
        return False
