"""Channels deleted while downloads may still be queued for them.

* ``ytarchive:deleted-channels`` set of channel ids: workers drop those tasks instead of
  recreating the folders a user just deleted.
"""
from __future__ import annotations

import redis

from archiver.state.store import key


def deleted_channels_key() -> str:
    return key("deleted-channels")


def mark_channel_deleted(r: redis.Redis, channel_id: str, deleted: bool = True) -> None:
    if deleted:
        r.sadd(deleted_channels_key(), channel_id)
    else:
        r.srem(deleted_channels_key(), channel_id)


def is_channel_deleted(r: redis.Redis, channel_id: str) -> bool:
    return bool(r.sismember(deleted_channels_key(), channel_id))
