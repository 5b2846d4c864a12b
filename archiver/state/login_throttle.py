"""Failed logins counted per address and user name, so guessing a password is slowed down (the web's)."""
from __future__ import annotations

import redis

from archiver.state.store import key


def login_failures_key(who: str) -> str:
    return key("login-failures", who)


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
