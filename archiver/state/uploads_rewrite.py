"""The Redis key that debounces rewrites of a channel's ``playlists/uploads.json`` (channels_app.uploads_file).

* ``ytarchive:uploads-rewrite:{channel_id}`` "a rewrite is on its way" (``SET NX EX``): the first download
  outcome that brings an upload date sends one delayed rewrite; the outcomes after it, until that rewrite
  starts, send nothing. The rewrite deletes the key before it reads the database, so an outcome recorded
  while it writes sends the next one. It expires on its own, so a rewrite that was never delivered only
  delays the next.
"""
from __future__ import annotations

import redis

from archiver.state.store import key


def rewrite_key(channel_id: str) -> str:
    return key("uploads-rewrite", channel_id)


def claim(r: redis.Redis, channel_id: str, seconds: float) -> bool:
    """True when no rewrite was on its way (the caller sends one); it stays claimed for ``seconds``."""
    return bool(r.set(rewrite_key(channel_id), "1", nx=True, px=max(1, int(seconds * 1000))))


def release(r: redis.Redis, channel_id: str) -> None:
    r.delete(rewrite_key(channel_id))
