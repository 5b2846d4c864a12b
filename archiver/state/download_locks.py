"""Per-video download locks and their leases, so one video downloads once and a dead worker is noticed.

* ``ytarchive:lock:{channel}:{video}`` the per-video download lock (``SET NX PX``),
  holding a random token; it expires with the lease unless renewed.
* ``ytarchive:leases`` sorted set ``channel/video`` -> lease expiry (epoch seconds),
  so the control side can find downloads whose worker died.
"""
from __future__ import annotations

import time

import redis

from archiver.state.download_progress import download_progress_key, is_live
from archiver.state.store import key
from archiver.state.worker_presence import live_worker_names

_RELEASE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('ZREM', KEYS[2], ARGV[2])
  return redis.call('DEL', KEYS[1])
end
return 0
"""

_RENEW_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  return 1
end
return 0
"""


def lock_key(channel_id: str, video_id: str) -> str:
    return key("lock", channel_id, video_id)


def leases_key() -> str:
    return key("leases")


def lease_member(channel_id: str, video_id: str) -> str:
    return f"{channel_id}/{video_id}"


def acquire_lock(r: redis.Redis, channel_id: str, video_id: str, token: str, lease_seconds: float) -> bool:
    """Claim a video for download, atomically (SET NX PX): False when someone holds it."""
    if not r.set(lock_key(channel_id, video_id), token, nx=True, px=int(lease_seconds * 1000)):
        return False
    r.zadd(leases_key(), {lease_member(channel_id, video_id): time.time() + lease_seconds})
    return True


def renew_lock(r: redis.Redis, channel_id: str, video_id: str, token: str, lease_seconds: float) -> bool:
    """Extend the lease while the download runs; False if the lock was lost meanwhile."""
    script = r.register_script(_RENEW_IF_OWNER)
    return bool(script(
        keys=[lock_key(channel_id, video_id), leases_key()],
        args=[token, int(lease_seconds * 1000), time.time() + lease_seconds,
              lease_member(channel_id, video_id)],
    ))


def release_lock(r: redis.Redis, channel_id: str, video_id: str, token: str) -> bool:
    script = r.register_script(_RELEASE_IF_OWNER)
    return bool(script(keys=[lock_key(channel_id, video_id), leases_key()],
                       args=[token, lease_member(channel_id, video_id)]))


def expired_leases(r: redis.Redis, now: float | None = None) -> list[tuple[str, str]]:
    """``(channel, video)`` pairs whose lease ran out and whose lock is gone."""
    now = time.time() if now is None else now
    found = []
    for member in r.zrangebyscore(leases_key(), "-inf", now):
        channel_id, _, video_id = member.partition("/")
        if not r.exists(lock_key(channel_id, video_id)):
            found.append((channel_id, video_id))
    return found


def held_locks(r: redis.Redis) -> list[tuple[str, str, dict]]:
    """Every download whose lock is held now, across all channels: ``(channel, video, its progress hash)``,
    read in one pipelined round trip (a lease each: bounded by the workers' threads, plus the dead ones'
    until their leases run out)."""
    members = [m.partition("/") for m in r.zrange(leases_key(), 0, -1)]
    pipe = r.pipeline(transaction=False)
    for channel_id, _, video_id in members:
        pipe.exists(lock_key(channel_id, video_id))
        pipe.hgetall(download_progress_key(channel_id, video_id))
    replies = pipe.execute()
    return [(channel_id, video_id, replies[2 * n + 1]) for n, (channel_id, _, video_id) in enumerate(members)
            if replies[2 * n]]


def live_downloads(r: redis.Redis) -> int:
    """Downloads running now whose worker is alive (a fresh heartbeat): never more than the workers' threads,
    though a dead worker's locks hold until their leases run out."""
    workers = live_worker_names(r)
    return sum(1 for _, _, fields in held_locks(r) if is_live(fields, workers=workers))


def locked_videos(r: redis.Redis, channel_id: str) -> list[str]:
    """Videos of a channel whose download lock is held right now."""
    prefix = f"{channel_id}/"
    members = [m for m in r.zrange(leases_key(), 0, -1) if m.startswith(prefix)]
    return [m[len(prefix):] for m in members if r.exists(lock_key(channel_id, m[len(prefix):]))]


def drop_lease(r: redis.Redis, channel_id: str, video_id: str) -> None:
    r.zrem(leases_key(), lease_member(channel_id, video_id))


def leases_held(r: redis.Redis) -> int:
    """Downloads in flight across all workers (one lease each)."""
    return int(r.zcard(leases_key()))


def in_flight_bytes(r: redis.Redis) -> int:
    """Bytes the downloads in flight have written so far (into their temp folders)."""
    members = r.zrange(leases_key(), 0, -1)
    pipe = r.pipeline(transaction=False)
    for member in members:
        channel_id, _, video_id = member.partition("/")
        pipe.hget(download_progress_key(channel_id, video_id), "downloaded_bytes")
    return sum(int(float(v)) for v in pipe.execute() if v)
