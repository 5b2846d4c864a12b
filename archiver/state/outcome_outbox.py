"""The outbox of reported download outcomes, kept until the control side has applied them.

* ``ytarchive:outcomes`` hash video-pk -> ``DownloadReport`` JSON: an outcome message stuck in
  the broker (a worker that died holding it) is still applied.
"""
from __future__ import annotations

import json

import redis

from archiver.state.store import key


def outcomes_key() -> str:
    return key("outcomes")


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
