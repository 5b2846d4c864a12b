"""Every Redis key the archiver uses (the broker's own keys excepted), in one place.

Live state that is cheap to read and rebuildable from the database:

* ``ytarchive:vstate:{channel}``   hash video-id -> a ``VideoStatus`` (archiver.vocabulary)
* ``ytarchive:progress:{channel}`` hash of counts (total and one per state), kept in
  step with ``vstate`` by one Lua script, so a poll is one HGETALL, not a count.
* ``ytarchive:lock:{channel}:{video}`` the per-video download lock (``SET NX PX``),
  holding a random token; it expires with the lease unless renewed.
* ``ytarchive:leases`` sorted set ``channel/video`` -> lease expiry (epoch seconds),
  so the control side can find downloads whose worker died.
* ``ytarchive:dl:{channel}:{video}`` live byte counts of a download in flight.
* ``ytarchive:deleted-channels`` set of channels deleted while downloads may
  still be queued for them: workers drop those tasks instead of recreating
  the folders a user just deleted.
* ``ytarchive:site:{host}`` sorted set token -> slot expiry: the per-site download
  slots (a semaphore with leases), so parallel downloads stay polite to a site
  across every worker; a dead worker's slot expires with its lease. Egress identities
  hold theirs as ``{site}@{identity}``; budgets and pauses per identity are
  archiver.egress_state's keys.
* ``ytarchive:outcomes`` hash video-pk -> ``DownloadReport`` JSON: the outbox of reported
  outcomes, kept until the control side has applied them, so an outcome
  message stuck in the broker (a worker that died holding it) is still applied.
* ``ytarchive:scaler:wake`` a list of at most one item: "downloads were just queued", which
  the ``local`` scaler waits on between its looks at the queue, so a worker starts at once.
"""
from __future__ import annotations

import functools
import json
import time

import redis

from archiver.vocabulary import VideoStatus

PREFIX = "ytarchive"
STATES = tuple(str(s) for s in VideoStatus)
DOWNLOADS_QUEUE = "downloads"
# kombu's Redis transport keeps one list per priority step beside the plain one.
_PRIORITY_SEP = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)

_TRANSITION = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old == ARGV[2] then return 0 end
if old == 'archived' and ARGV[3] ~= 'force' then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if old then
  redis.call('HINCRBY', KEYS[2], old, -1)
else
  redis.call('HINCRBY', KEYS[2], 'total', 1)
end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return 1
"""

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


@functools.lru_cache(maxsize=8)
def connect(url: str) -> redis.Redis:
    """One client (and connection pool) per URL per process."""
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=10, socket_connect_timeout=5,
        health_check_interval=30, retry_on_timeout=True,
    )


def _k(*parts: str) -> str:
    return ":".join((PREFIX, *parts))


def vstate_key(channel_id: str) -> str:
    return _k("vstate", channel_id)


def progress_key(channel_id: str) -> str:
    return _k("progress", channel_id)


def set_state(r: redis.Redis, channel_id: str, video_id: str, state: str, force: bool = False) -> bool:
    """Move one video to ``state``; counts follow. An archived video only moves when forced."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    script = r.register_script(_TRANSITION)
    return bool(script(keys=[vstate_key(channel_id), progress_key(channel_id)],
                       args=[video_id, state, "force" if force else ""]))


_TRANSITION_MANY = """
local state, force, moved = ARGV[1], ARGV[2] == 'force', 0
for i = 3, #ARGV do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if old ~= state and (old ~= 'archived' or force) then
    redis.call('HSET', KEYS[1], ARGV[i], state)
    if old then
      redis.call('HINCRBY', KEYS[2], old, -1)
    else
      redis.call('HINCRBY', KEYS[2], 'total', 1)
    end
    redis.call('HINCRBY', KEYS[2], state, 1)
    moved = moved + 1
  end
end
return moved
"""
# Videos moved per script call: one round trip per thousand, and never a long pause of Redis.
_STATES_PER_CALL = 1000


def set_states(r: redis.Redis, channel_id: str, video_ids, state: str, force: bool = False) -> None:
    """``set_state`` for many videos, a thousand per script call (queueing 100k stays a second's work)."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    script = r.register_script(_TRANSITION_MANY)
    ids = list(video_ids)
    pipe = r.pipeline(transaction=False)
    for start in range(0, len(ids), _STATES_PER_CALL):
        script(keys=[vstate_key(channel_id), progress_key(channel_id)],
               args=[state, "force" if force else "", *ids[start:start + _STATES_PER_CALL]], client=pipe)
    pipe.execute()


_ADD_IF_ABSENT = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[2], 'total', 1)
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  return 1
end
return 0
"""


def add_states(r: redis.Redis, channel_id: str, video_ids, state: str) -> None:
    """Count newly listed videos in ``state``, leaving any video Redis already knows alone."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    script = r.register_script(_ADD_IF_ABSENT)
    pipe = r.pipeline(transaction=False)
    for video_id in video_ids:
        script(keys=[vstate_key(channel_id), progress_key(channel_id)], args=[video_id, state], client=pipe)
    pipe.execute()


def progress(r: redis.Redis, channel_id: str) -> dict | None:
    """The counts, or None when Redis has none (lost, or never built): rebuild from the DB."""
    raw = r.hgetall(progress_key(channel_id))
    if not raw:
        return None
    counts = {name: max(0, int(raw.get(name, 0))) for name in ("total", *STATES)}
    return counts


def rebuild_progress(r: redis.Redis, channel_id: str, states: dict[str, str]) -> dict:
    """Replace a channel's live state with ``states`` (from the database), atomically."""
    counts = {name: 0 for name in ("total", *STATES)}
    counts["total"] = len(states)
    for state in states.values():
        counts[state] += 1
    pipe = r.pipeline(transaction=True)
    pipe.delete(vstate_key(channel_id), progress_key(channel_id))
    items = list(states.items())
    for start in range(0, len(items), 1000):
        pipe.hset(vstate_key(channel_id), mapping=dict(items[start:start + 1000]))
    pipe.hset(progress_key(channel_id), mapping=counts)
    pipe.execute()
    return counts


def video_states(r: redis.Redis, channel_id: str) -> dict[str, str]:
    return r.hgetall(vstate_key(channel_id))


def forget_channel(r: redis.Redis, channel_id: str) -> None:
    r.delete(vstate_key(channel_id), progress_key(channel_id))


def lock_key(channel_id: str, video_id: str) -> str:
    return _k("lock", channel_id, video_id)


def leases_key() -> str:
    return _k("leases")


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


def locked_videos(r: redis.Redis, channel_id: str) -> list[str]:
    """Videos of a channel whose download lock is held right now."""
    prefix = f"{channel_id}/"
    members = [m for m in r.zrange(leases_key(), 0, -1) if m.startswith(prefix)]
    return [m[len(prefix):] for m in members if r.exists(lock_key(channel_id, m[len(prefix):]))]


def drop_lease(r: redis.Redis, channel_id: str, video_id: str) -> None:
    r.zrem(leases_key(), lease_member(channel_id, video_id))


def site_key(site: str) -> str:
    return _k("site", site)


# The key's own expiry (two leases past its latest renewal) only ever grows: a site nobody downloads
# from leaves no key behind, and a site whose holders keep renewing never loses its members with it.
_KEEP_SLOT_KEY = """
local function keep(key, ttl)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
"""

_TAKE_SLOT = _KEEP_SLOT_KEY + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  keep(KEYS[1], tonumber(ARGV[5]))
  return 1
end
return 0
"""

_RENEW_SLOT = _KEEP_SLOT_KEY + """
if redis.call('ZADD', KEYS[1], 'XX', 'CH', ARGV[1], ARGV[2]) == 1 or redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  keep(KEYS[1], tonumber(ARGV[3]))
  return 1
end
return 0
"""


def _slot_key_ttl_ms(lease_seconds: float) -> int:
    return int(lease_seconds * 2000)


def take_site_slot(r: redis.Redis, site: str, token: str, limit: int, lease_seconds: float) -> bool:
    """Take (or renew) one of ``limit`` download slots of ``site``; False when all are taken.

    Slots of dead workers expire with their lease, so a crash never shrinks a site's share. One script:
    expired slots pruned, the count checked, the slot added and the key's expiry pushed on, atomically.
    """
    now = time.time()
    script = r.register_script(_TAKE_SLOT)
    return bool(script(keys=[site_key(site)],
                       args=[now, now + lease_seconds, token, limit, _slot_key_ttl_ms(lease_seconds)]))


def renew_site_slot(r: redis.Redis, site: str, token: str, lease_seconds: float) -> bool:
    """Extend a held slot by a lease, and its key's expiry with it; False when the slot is no longer held
    (it expired, or was released): a renewal never takes a slot, only ``take_site_slot`` checks the limit."""
    script = r.register_script(_RENEW_SLOT)
    return bool(script(keys=[site_key(site)],
                       args=[time.time() + lease_seconds, token, _slot_key_ttl_ms(lease_seconds)]))


def release_site_slot(r: redis.Redis, site: str, token: str) -> None:
    r.zrem(site_key(site), token)


def site_slots_in_use(r: redis.Redis, site: str) -> int:
    return r.zcount(site_key(site), time.time(), "+inf")


def login_failures_key(who: str) -> str:
    return _k("login-failures", who)


def count_login_failure(r: redis.Redis, who: str, window_seconds: int) -> int:
    """One more failed login for ``who`` (an address and user name); the count expires with the window."""
    pipe = r.pipeline(transaction=True)
    pipe.incr(login_failures_key(who))
    pipe.expire(login_failures_key(who), window_seconds, nx=True)
    return int(pipe.execute()[0])


def login_failures(r: redis.Redis, who: str) -> int:
    return int(r.get(login_failures_key(who)) or 0)


def clear_login_failures(r: redis.Redis, who: str) -> None:
    r.delete(login_failures_key(who))


def deleted_channels_key() -> str:
    return _k("deleted-channels")


def mark_channel_deleted(r: redis.Redis, channel_id: str, deleted: bool = True) -> None:
    if deleted:
        r.sadd(deleted_channels_key(), channel_id)
    else:
        r.srem(deleted_channels_key(), channel_id)


def is_channel_deleted(r: redis.Redis, channel_id: str) -> bool:
    return bool(r.sismember(deleted_channels_key(), channel_id))


def outcomes_key() -> str:
    return _k("outcomes")


def save_outcome(r: redis.Redis, video_pk: int, outcome: dict) -> None:
    r.hset(outcomes_key(), str(video_pk), json.dumps(outcome, sort_keys=True))


def pending_outcomes(r: redis.Redis) -> list[dict]:
    """Every report still in the outbox, as the dicts the workers saved."""
    return [json.loads(raw) for raw in r.hvals(outcomes_key())]


def clear_outcome(r: redis.Redis, video_pk: int, outcome: dict | None = None) -> None:
    """Forget an applied outcome (only that one, when given: a newer report stays)."""
    if outcome is None:
        r.hdel(outcomes_key(), str(video_pk))
        return
    script = r.register_script(_DELETE_IF_EQUAL)
    script(keys=[outcomes_key()], args=[str(video_pk), json.dumps(outcome, sort_keys=True)])


_DELETE_IF_EQUAL = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
"""


def download_progress_key(channel_id: str, video_id: str) -> str:
    return _k("dl", channel_id, video_id)


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


def queue_length(r: redis.Redis, queue: str = DOWNLOADS_QUEUE) -> int:
    """Messages waiting in a Celery queue (all priority lists): for downloads, the feeder's window."""
    keys = [queue] + [f"{queue}{_PRIORITY_SEP}{step}" for step in _PRIORITY_STEPS]
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.llen(key)
    return sum(pipe.execute())


def scaler_wake_key() -> str:
    return _k("scaler", "wake")


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

# kombu's Redis transport keeps the messages workers took and have not acknowledged in this hash.
_UNACKED = "unacked"
DOWNLOAD_TASK = "downloads_app.tasks.download_video"


def download_message_pks(r: redis.Redis, limit: int = 5000, queue: str = DOWNLOADS_QUEUE) -> set[int] | None:
    """The ``video_pk`` of every download message still somewhere in the broker: waiting in the queue or
    taken by a worker and not yet acknowledged. None when there are more than ``limit`` (the feeder's
    window keeps far fewer; too many to read means: assume none is lost)."""
    import base64

    keys = [queue] + [f"{queue}{_PRIORITY_SEP}{step}" for step in _PRIORITY_STEPS]
    if queue_length(r, queue) + r.hlen(_UNACKED) > limit:
        return None
    pipe = r.pipeline(transaction=False)
    for key in keys:
        pipe.lrange(key, 0, -1)
    pipe.hvals(_UNACKED)
    found = set()
    for raw in (item for items in pipe.execute() for item in items):
        try:
            message = json.loads(raw)
            if isinstance(message, list):  # unacked: [message, exchange, routing key]
                message = message[0]
            if message.get("headers", {}).get("task") != DOWNLOAD_TASK:
                continue
            body = message["body"]
            if message.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body)
            found.add(int(json.loads(body)[0][0]["video_pk"]))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            continue  # not a download message of ours
    return found


def ping(r: redis.Redis) -> bool:
    try:
        return bool(r.ping())
    except redis.RedisError:
        return False


def workers_key() -> str:
    return _k("workers")


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
