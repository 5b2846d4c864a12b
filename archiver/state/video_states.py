"""Each video's live state and its channel's counts, cheap to read and rebuildable from the database.

* ``ytarchive:vstate:{channel}``   hash video-id -> a ``VideoStatus`` (archiver.vocabulary)
* ``ytarchive:progress:{channel}`` hash of counts (total and one per state), kept in
  step with ``vstate`` by one Lua script, so a poll is one HGETALL, not a count.
"""
from __future__ import annotations

import redis

from archiver.state.store import key
from archiver.vocabulary import VideoStatus

STATES = tuple(str(s) for s in VideoStatus)

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


def vstate_key(channel_id: str) -> str:
    return key("vstate", channel_id)


def progress_key(channel_id: str) -> str:
    return key("progress", channel_id)


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
