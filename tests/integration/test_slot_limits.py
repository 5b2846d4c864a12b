"""Per-site, per-channel and per-identity download limits hold under saturation (real redis-server).

The slots are a sorted set whose key also has a TTL (so a site nobody downloads from leaves no key
behind). The key's TTL used to be set only when a new slot was taken: while every slot stayed taken
and its holders kept renewing, nobody took a new one, the key expired after two leases with every
member in it, and the waiters all got in (4 downloads against a limit of 2).
"""
from __future__ import annotations

import threading
import time

from archiver.state import site_slots

LIMIT = 2
LEASE_SECONDS = 1.5  # the key's TTL is two leases: 3 s
RENEW_EVERY = LEASE_SECONDS / 6  # the download lease keeper renews every third; more margin on a busy CPU
HOLD_SECONDS = 7.0  # past two key TTLs
# The three families of slot names the download path takes: a site's, a channel's, an identity's.
SLOTS = ("example.org", "channel:UCsaturated", "example.org@source:127.0.0.2")


def _saturate(r, slot: str, found: dict) -> None:
    holders = [f"{slot}-holder-{n}" for n in range(LIMIT)]
    assert all(site_slots.take_site_slot(r, slot, token, LIMIT, LEASE_SECONDS) for token in holders)
    stop = threading.Event()
    got_in: list[str] = []

    def wait_for_a_slot(token: str) -> None:
        while not stop.is_set():
            if site_slots.take_site_slot(r, slot, token, LIMIT, LEASE_SECONDS):
                got_in.append(token)
                return
            time.sleep(0.05)

    waiters = [threading.Thread(target=wait_for_a_slot, args=(f"{slot}-waiter-{n}",)) for n in range(LIMIT)]
    for thread in waiters:
        thread.start()
    lowest_ttl_ms = None
    deadline = time.monotonic() + HOLD_SECONDS
    while time.monotonic() < deadline:
        for token in holders:  # what the lease keeper does for each slot a download holds
            site_slots.renew_site_slot(r, slot, token, LEASE_SECONDS)
        ttl = r.pttl(site_slots.site_key(slot))
        lowest_ttl_ms = ttl if lowest_ttl_ms is None else min(lowest_ttl_ms, ttl)
        time.sleep(RENEW_EVERY)
    stop.set()
    for thread in waiters:
        thread.join(10)
    found[slot] = {"waiters_in": got_in, "in_use": site_slots.site_slots_in_use(r, slot),
                   "lowest_ttl_ms": lowest_ttl_ms}


def test_a_saturated_limit_holds_while_its_holders_keep_renewing(redis_client):
    found: dict = {}
    threads = [threading.Thread(target=_saturate, args=(redis_client, slot, found)) for slot in SLOTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HOLD_SECONDS + 20)
    assert set(found) == set(SLOTS), found
    for slot, seen in found.items():
        assert seen["waiters_in"] == [], f"{slot}: {len(seen['waiters_in'])} more downloads ran than its limit"
        assert seen["in_use"] == LIMIT, f"{slot}: {seen}"
        # Every renewal pushed the key's own expiry on: it never came near running out.
        assert seen["lowest_ttl_ms"] > LEASE_SECONDS * 1000 / 2, f"{slot}: {seen}"


def test_renewal_keeps_the_key_for_a_lone_holder_and_a_lost_slot_is_not_recreated(redis_client):
    assert site_slots.take_site_slot(redis_client, "example.org", "a", 1, 0.5)
    for _ in range(8):  # 2 s of renewals: past the 1 s key TTL of a 0.5 s lease
        assert site_slots.renew_site_slot(redis_client, "example.org", "a", 0.5)
        time.sleep(0.25)
    assert site_slots.site_slots_in_use(redis_client, "example.org") == 1
    assert not site_slots.take_site_slot(redis_client, "example.org", "b", 1, 0.5)
    site_slots.release_site_slot(redis_client, "example.org", "a")
    # Renewing a slot one no longer holds says so, and takes nothing (the limit is checked on take only).
    assert not site_slots.renew_site_slot(redis_client, "example.org", "a", 0.5)
    assert site_slots.site_slots_in_use(redis_client, "example.org") == 0
