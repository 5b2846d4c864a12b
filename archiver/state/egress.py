"""The Redis keys of the egress pool: each identity's starts, leases and pauses, per site.

Every process and Job shares these, so a budget holds however many workers run:

* ``ytarchive:starts:{kind}:{site}|{identity}`` sorted set start-token -> start time (Redis
  server time, seconds): the starts of the last period. One Lua script drops the old
  ones, counts, and adds a start only while fewer than COUNT remain: a true sliding
  window, never more than COUNT in any PERIOD. A start is added as *pending* (scored in
  the future, so it holds its place) and *confirmed* with the time its first request
  had surely been sent (``confirm_start``): the window then runs from a moment at or
  after the site saw the request, never before it, however late a busy worker got to
  send it. ``kind`` is ``video`` (a download, a history read, an import) or ``listing``
  (a channel's listing pages): listings are counted apart, so a long sync never spends
  the downloads' budget.
* ``ytarchive:next-start:{kind}:{site}|{identity}`` the earliest time of the next start (a
  jittered gap after the last one), so a budget is spread over its period, not spent
  in a burst.
* ``ytarchive:site:{site}`` / ``ytarchive:site:{site}@{identity}`` the identity's download
  leases (archiver.state.site_slots: a semaphore whose members expire with their
  lease, so a dead worker's lease frees itself).
* ``ytarchive:site-pause:{site}|{identity}`` hash until/length/strikes/reason/since, and
  ``ytarchive:paused-sites`` sorted set ``site|identity`` -> until: the circuit breaker.
  ``ytarchive:notified-pause:{site}|{identity}:{until}`` a pause already told (channels_app.notify).
* ``ytarchive:forbidden:{site}|{identity}`` the run of HTTP 403s on media (reset by a success).
* ``ytarchive:best-height:{site}`` sorted set channel -> the tallest video it was served:
  what "known to have more" means for throttled formats.
"""
from __future__ import annotations

import time

import redis

from archiver.state.store import PREFIX

VIDEO = "video"
LISTING = "listing"
# Starts are counted this much longer than their period (two clocks, the site's and Redis's).
WINDOW_GRACE_SECONDS = 0.05
# A start never confirmed (its worker died before its first request) holds its place this long.
PENDING_SECONDS = 120.0
# How soon to look again when the window is full of pending starts (their times are not known yet).
PENDING_POLL_SECONDS = 0.25

_TRY_START = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local period = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local wait = 0
local held = redis.call('ZCARD', KEYS[1])
if held >= count then
  local oldest = redis.call('ZRANGE', KEYS[1], held - count, held - count, 'WITHSCORES')
  local at = tonumber(oldest[2])
  if at > now then wait = tonumber(ARGV[6]) else wait = at + period - now end
end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt - now > wait then wait = nxt - now end
if wait > 0 then return tostring(wait) end
local pending = tonumber(ARGV[5])
redis.call('ZADD', KEYS[1], now + pending, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil((period + pending) * 1000) + 1000)
local gap = tonumber(ARGV[4])
if gap > 0 then redis.call('SET', KEYS[2], tostring(now + gap), 'PX', math.ceil(gap * 1000) + 1000) end
return '0'
"""


def _k(*parts: str) -> str:
    return ":".join((PREFIX, *parts))


def member(site: str, identity: str) -> str:
    return f"{site}|{identity}"


def starts_key(kind: str, site: str, identity: str) -> str:
    return _k("starts", kind, member(site, identity))


def next_start_key(kind: str, site: str, identity: str) -> str:
    return _k("next-start", kind, member(site, identity))


def lease_name(site: str, identity: str) -> str:
    """The site-slot name of an identity's downloads (the own route keeps the plain site's)."""
    return site if identity == "direct" else f"{site}@{identity}"


def now(r: redis.Redis) -> float:
    """Redis's clock: the one every window is kept in, whichever machine asks."""
    seconds, micros = r.time()
    return seconds + micros / 1_000_000


def try_start(r: redis.Redis, kind: str, site: str, identity: str, count: int, period: float, token: str,
              gap: float = 0.0) -> float:
    """Count one start if the window allows it (0.0), else the seconds until it might.

    Atomic across every worker: at most ``count`` starts in any ``period`` (+ the grace).
    ``gap`` is the least time to the next start after this one (jittered by the caller).
    """
    script = r.register_script(_TRY_START)
    wait = script(keys=[starts_key(kind, site, identity), next_start_key(kind, site, identity)],
                  args=[period + WINDOW_GRACE_SECONDS, count, token, gap, PENDING_SECONDS, PENDING_POLL_SECONDS])
    return max(0.0, float(wait))


_CONFIRM = """
local t = redis.call('TIME')
return redis.call('ZADD', KEYS[1], 'XX', 'CH', tonumber(t[1]) + tonumber(t[2]) / 1000000, ARGV[1])
"""


def confirm_start(r: redis.Redis, kind: str, site: str, identity: str, token: str) -> None:
    """Date a pending start now: call it once its first request to the site has been sent (a
    progress report, or the read's end). Its window runs from here."""
    r.register_script(_CONFIRM)(keys=[starts_key(kind, site, identity)], args=[token])


def starts_in_window(r: redis.Redis, kind: str, site: str, identity: str, period: float) -> int:
    """Starts of the last ``period`` (what the API and the scaler report as spent)."""
    return int(r.zcount(starts_key(kind, site, identity), now(r) - period - WINDOW_GRACE_SECONDS, "+inf"))


def start_wait(r: redis.Redis, kind: str, site: str, identity: str, count: int, period: float) -> float:
    """Seconds until ``identity`` could start on ``site`` (0: now), without counting a start."""
    at = now(r)
    window = period + WINDOW_GRACE_SECONDS
    pipe = r.pipeline(transaction=False)
    pipe.zrangebyscore(starts_key(kind, site, identity), at - window, "+inf", withscores=True)
    pipe.get(next_start_key(kind, site, identity))
    starts, nxt = pipe.execute()
    wait = max(0.0, float(nxt or 0) - at)
    if len(starts) >= count:
        oldest = starts[len(starts) - count][1]
        wait = max(wait, PENDING_POLL_SECONDS if oldest > at else oldest + window - at)
    return wait


# --- the circuit breaker: pauses per (site, identity) ---------------------------------------

def paused_key() -> str:
    return _k("paused-sites")


def pause_key(site: str, identity: str) -> str:
    return _k("site-pause", member(site, identity))


def trip(r: redis.Redis, site: str, identity: str, reason: str, base_seconds: float,
         cap_seconds: float = 86400.0, at: float | None = None) -> float:
    """Pause ``identity`` for ``site``; returns the epoch time the pause ends.

    Still paused, or tripped again soon after (within one more pause length): one
    strike more, so the wait doubles while the site keeps refusing, at most ``cap_seconds``.
    """
    from archiver.retry_policy import site_pause_seconds

    at = time.time() if at is None else at
    old = r.hgetall(pause_key(site, identity))
    strikes = 1
    if old:
        last_until, last_len = float(old.get("until", 0)), float(old.get("length", 0))
        if at < last_until + last_len:
            if at < last_until:  # a download that was already running when the pause began
                return last_until
            strikes = int(old.get("strikes", 1)) + 1
    length = site_pause_seconds(strikes, base_seconds, cap_seconds)
    until = at + length
    pipe = r.pipeline()
    pipe.hset(pause_key(site, identity), mapping={"until": until, "length": length, "strikes": strikes,
                                                  "reason": reason[:500], "since": at})
    pipe.expire(pause_key(site, identity), int(length * 2 + 60))
    pipe.zadd(paused_key(), {member(site, identity): until})
    pipe.execute()
    return until


def pause_of(r: redis.Redis, site: str, identity: str, at: float | None = None) -> dict | None:
    """``{"site", "identity", "until", "reason", "strikes"}`` while paused, else None."""
    at = time.time() if at is None else at
    data = r.hgetall(pause_key(site, identity))
    if not data or float(data.get("until", 0)) <= at:
        return None
    return {"site": site, "identity": identity, "until": float(data["until"]), "reason": data.get("reason", ""),
            "strikes": int(data.get("strikes", 1))}


def pauses(r: redis.Redis, at: float | None = None) -> list[dict]:
    """Every pause in force, soonest end first."""
    at = time.time() if at is None else at
    r.zremrangebyscore(paused_key(), "-inf", at)
    found = []
    for entry in r.zrange(paused_key(), 0, -1):
        site, sep, identity = entry.rpartition("|")
        if sep and (pause := pause_of(r, site, identity, at)):
            found.append(pause)
    return found


def resume(r: redis.Redis, site: str, identity: str | None = None) -> int:
    """End a site's pause now (one identity's, or every identity's); returns how many ended."""
    targets = [identity] if identity else [
        entry.rpartition("|")[2] for entry in r.zrange(paused_key(), 0, -1) if entry.rpartition("|")[0] == site]
    ended = 0
    for name in targets:
        pipe = r.pipeline()
        pipe.delete(pause_key(site, name))
        pipe.zrem(paused_key(), member(site, name))
        ended += int(pipe.execute()[0])
    return ended


def first_notice(r: redis.Redis, pause: dict, now: float) -> bool:
    """True the first time it is asked of a pause (its site, identity and end): tell people of it once.

    ``ytarchive:notified-pause:{site}|{identity}:{until}`` marks it told, until a minute past its end.
    """
    name = _k("notified-pause", f"{member(pause['site'], pause['identity'])}:{int(pause['until'])}")
    return bool(r.set(name, "1", nx=True, ex=max(60, int(pause["until"] - now) + 60)))


# --- signals the breaker reads -------------------------------------------------------------

def forbidden_key(site: str, identity: str) -> str:
    return _k("forbidden", member(site, identity))


def count_forbidden(r: redis.Redis, site: str, identity: str, ttl_seconds: int = 3600) -> int:
    """One more HTTP 403 on media through ``identity``: the length of the run so far."""
    pipe = r.pipeline(transaction=True)
    pipe.incr(forbidden_key(site, identity))
    pipe.expire(forbidden_key(site, identity), ttl_seconds)
    return int(pipe.execute()[0])


def clear_forbidden(r: redis.Redis, site: str, identity: str) -> None:
    r.delete(forbidden_key(site, identity))


def best_height_key(site: str) -> str:
    return _k("best-height", site)


def note_height(r: redis.Redis, site: str, channel_id: str, height: int) -> None:
    """Remember the tallest video ``channel_id`` was served from ``site`` (only ever rises)."""
    if height > 0:
        r.zadd(best_height_key(site), {channel_id: height}, gt=True)


def known_height(r: redis.Redis, site: str, channel_id: str) -> int:
    return int(r.zscore(best_height_key(site), channel_id) or 0)
