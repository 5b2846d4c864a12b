"""Per-site download slots: a semaphore with leases, so parallel downloads stay polite to a site.

* ``ytarchive:site:{host}`` sorted set token -> slot expiry, shared by every worker; a dead
  worker's slot expires with its lease. Egress identities hold theirs as ``{site}@{identity}``;
  budgets and pauses per identity are archiver.state.egress's keys.
"""
from __future__ import annotations

import time

import redis

from archiver.state.store import key


def site_key(site: str) -> str:
    return key("site", site)


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
