"""The Redis keys of the feeder (downloads_app.feeder), which keeps a window of download messages in Redis.

The backlog itself lives in the database; these keys only make sure one feeder
runs at a time and that a nudge is never lost:

* ``ytarchive:feeder:lease`` the running feeder's token (``SET NX PX``): a second
  feeder (a nudge while the periodic one runs, a redelivered task) does not run
  beside it. It expires with the lease, so a feeder that died frees it.
* ``ytarchive:feeder:again`` "something changed while a feeder ran": the running
  feeder looks once more before it lets the lease go.
* ``ytarchive:feeder:nudged`` "a feed task is already on its way": many outcomes
  in a second send one task, not one each.
* ``ytarchive:feeder:timer`` "a feed task is due when a closed site opens": a site
  whose budget is spent (or whose identities are all paused) has a window of 0 until a
  known time, and no outcome will say when that comes; one timed task at a time.
"""
from __future__ import annotations

import redis

from archiver.state.store import PREFIX

_RELEASE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_RENEW_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


def _k(name: str) -> str:
    return f"{PREFIX}:feeder:{name}"


def lease_key() -> str:
    return _k("lease")


def again_key() -> str:
    return _k("again")


def nudged_key() -> str:
    return _k("nudged")


def take_lease(r: redis.Redis, token: str, lease_seconds: float) -> bool:
    """True when this feeder may run now; False (and a note to look again) when another one runs."""
    if r.set(lease_key(), token, nx=True, px=int(lease_seconds * 1000)):
        return True
    r.set(again_key(), "1", px=int(lease_seconds * 1000))
    return False


def renew_lease(r: redis.Redis, token: str, lease_seconds: float) -> bool:
    """Keep the lease while a long round runs; False when it was lost (expired and taken by another)."""
    return bool(r.register_script(_RENEW_IF_OWNER)(keys=[lease_key()], args=[token, int(lease_seconds * 1000)]))


def release_lease(r: redis.Redis, token: str) -> None:
    r.register_script(_RELEASE_IF_OWNER)(keys=[lease_key()], args=[token])


def take_again(r: redis.Redis) -> bool:
    """Whether a change arrived while this feeder ran (and forget it: this feeder looks again now)."""
    return bool(r.getdel(again_key()))


def first_nudge(r: redis.Redis, seconds: float) -> bool:
    """True for the first nudge in ``seconds`` (send a feed task), False while one is on its way."""
    return bool(r.set(nudged_key(), "1", nx=True, px=int(seconds * 1000)))


def timer_key() -> str:
    return _k("timer")


def first_timer(r: redis.Redis, seconds: float) -> bool:
    """True when no timed feed task is pending (this one is: for ``seconds``)."""
    return bool(r.set(timer_key(), "1", nx=True, px=max(1, int(seconds * 1000))))


def clear_nudge(r: redis.Redis) -> None:
    """A feed task begins: a nudge from now on sends another one (it may bring news this run missed)."""
    r.delete(nudged_key())
