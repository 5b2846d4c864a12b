"""Leases on long control-side work (a fixity round, an import), so one never runs twice at once.

* ``ytarchive:task-lease:{name}`` a random token, ``SET NX PX``: held while one copy of the work runs,
  renewed by a thread every third of its length, released (only by its holder) when the slice ends.

Celery may deliver a task again while its first copy still runs (the broker's visibility timeout, a
worker that lost its connection), and beat may send the next round before the last one finished: the
second copy finds the lease held and returns without working. A holder that dies stops renewing, and
its lease expires: the next copy resumes from what the database says was done.
"""
from __future__ import annotations

import contextlib
import logging
import secrets
import threading
from collections.abc import Iterator

import redis

from archiver.state.store import PREFIX

log = logging.getLogger(__name__)

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def lease_key(name: str) -> str:
    return f"{PREFIX}:task-lease:{name}"


class Lease:
    """A held lease and the thread that keeps it; ``lost`` once a renewal found it gone (stop soon)."""

    def __init__(self, r: redis.Redis, name: str, token: str, seconds: float):
        self.r, self.name, self.token, self.seconds = r, name, token, seconds
        self.lost = False
        self._stop = threading.Event()
        self._keeper = threading.Thread(target=self._renew, daemon=True, name=f"task-lease-{name}")

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            try:
                if not self.r.register_script(_RENEW)(keys=[lease_key(self.name)],
                                                       args=[self.token, int(self.seconds * 1000)]):
                    self.lost = True
                    log.warning("task lease %s lost: another copy may run; this one stops at its next step",
                                self.name)
                    return
            except redis.RedisError as exc:  # Redis restarting: try again until the lease runs out
                log.info("task lease %s not renewed: %s", self.name, exc)

    def release(self) -> None:
        self._stop.set()
        self._keeper.join(5)
        try:
            self.r.register_script(_RELEASE)(keys=[lease_key(self.name)], args=[self.token])
        except redis.RedisError as exc:  # it expires by itself
            log.info("task lease %s not released: %s", self.name, exc)


def take(r: redis.Redis, name: str, seconds: float) -> Lease | None:
    """The lease on ``name`` for ``seconds`` (renewed until released), or None while another holds it."""
    token = secrets.token_hex(16)
    if not r.set(lease_key(name), token, nx=True, px=int(seconds * 1000)):
        return None
    lease = Lease(r, name, token, seconds)
    lease._keeper.start()
    return lease


@contextlib.contextmanager
def held(r: redis.Redis, name: str, seconds: float) -> Iterator[Lease | None]:
    """``with held(r, name, s) as lease:`` ``lease`` is None when another copy runs (then do nothing)."""
    lease = take(r, name, seconds)
    try:
        yield lease
    finally:
        if lease is not None:
            lease.release()


def holder(r: redis.Redis, name: str) -> str | None:
    """The token holding ``name`` now (None: free)."""
    return r.get(lease_key(name))
