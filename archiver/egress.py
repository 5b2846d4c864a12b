"""Choosing an egress identity for one read of a site, and tripping one that the site refuses.

A download (or a listing, a history read, an import) takes a lease on an identity
that is not paused for its site and has budget left there, and counts one start
in that identity's window (archiver.state.egress). The waits here never count as
an attempt: the video was not at fault. A refusal (a bot check, 429, "rate-limited",
a run of 403s on media, throttled formats) pauses only that identity for that site;
the others keep working.
"""
from __future__ import annotations

import dataclasses
import logging
import random
import re
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from archiver.budgets import DIRECT, Identity, SiteRate, budget_site, host_of, rate_for
from archiver.state import egress as egress_state
from archiver.state import site_slots
from archiver.vocabulary import FailureKind

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
# Each start waits a gap of this share of the rule's mean spacing before the next (spread, not bursts).
GAP_JITTER = (0.2, 0.5)
UNLIMITED_LEASES = 1_000_000
_RATE_LIMITED = re.compile(r"rate[- ]limit|too many requests|HTTP Error 429|not a bot|not a robot", re.I)
_MEDIA_FORBIDDEN = re.compile(r"unable to download video data: HTTP Error 403", re.I)


@dataclass(frozen=True)
class Pool:
    """What every worker knows from its settings: the rules, the identities, the breaker's knobs."""

    rates: tuple[SiteRate, ...] = ()
    identities: tuple[Identity, ...] = (DIRECT,)
    pause_seconds: float = 1800.0  # the first pause after a refusal; doubles while it repeats
    forbidden_streak: int = 3  # this many 403s in a row on media trip the identity
    leases_per_identity: int = 0  # downloads at once per identity and site (0: no cap)
    max_wait_seconds: float = 300.0  # a longer wait for budget hands the video back to the control side

    @classmethod
    def from_settings(cls, conf: dict) -> Pool:
        """From ``settings.YTARCHIVE`` (a plain dict: this module stays free of Django)."""
        return cls(rates=conf["SITE_RATES"], identities=conf["EGRESS"], pause_seconds=conf["BOTCHECK_BACKOFF_SECONDS"],
                   forbidden_streak=conf["FORBIDDEN_STREAK"], leases_per_identity=conf["DOWNLOADS_PER_SITE"],
                   max_wait_seconds=conf["BUDGET_WAIT_SECONDS"])

    def site(self, url: str) -> str:
        return budget_site(host_of(url), self.rates)

    def rate(self, site: str) -> SiteRate | None:
        return rate_for(site, self.rates)

    def identity(self, name: str) -> Identity | None:
        return next((i for i in self.identities if i.name == name), None)


@dataclass
class Lease:
    """An identity held for one read: release it on every path (it expires with the lease anyway)."""

    identity: Identity
    site: str
    slot: str
    token: str
    kind: str = egress_state.VIDEO
    counted: bool = False  # a start was counted in a window (a site with a rate): confirm it
    confirmed: bool = False


@dataclass
class Unavailable:
    """No identity can start now: every one paused (``paused``), or none has budget before ``until``."""

    until: float
    reason: str
    paused: list = field(default_factory=list)


def _order(r, pool: Pool, site: str, kind: str, names: list[str], rate: SiteRate | None) -> list[str]:
    """Least-spent identity first, so the pool's budgets are used evenly (ties in random order)."""
    if rate is None or len(names) < 2:
        return names
    pipe = r.pipeline(transaction=False)
    for name in names:
        pipe.zcard(egress_state.starts_key(kind, site, name))
    spent = pipe.execute()
    shuffled = random.sample(range(len(names)), len(names))
    return [names[i] for i in sorted(range(len(names)), key=lambda i: (spent[i], shuffled[i]))]


def try_take(r, pool: Pool, site: str, token: str, lease_seconds: float, kind: str = egress_state.VIDEO,
             at: float | None = None, avoid: frozenset = frozenset()) -> Lease | Unavailable | float:
    """One round: a ``Lease``, or ``Unavailable`` when all are paused, or the seconds worth waiting.

    ``avoid``: identities this read already failed through (a 403 on media), tried only last.
    """
    at = time.time() if at is None else at
    rate = pool.rate(site)
    paused, free = [], []
    for identity in pool.identities:
        if identity.name in avoid:
            continue
        pause = egress_state.pause_of(r, site, identity.name, at)
        (paused if pause else free).append(pause or identity.name)
    if not free:
        first = min(paused, key=lambda p: p["until"])
        return Unavailable(first["until"], first["reason"], paused)
    wait = float("inf")
    for name in _order(r, pool, site, kind, free, rate):
        slot = egress_state.lease_name(site, name) if kind == egress_state.VIDEO else \
            f"{egress_state.lease_name(site, name)}#{kind}"
        limit = pool.leases_per_identity if kind == egress_state.VIDEO and pool.leases_per_identity > 0 \
            else UNLIMITED_LEASES
        if not site_slots.take_site_slot(r, slot, token, limit, lease_seconds):
            wait = min(wait, POLL_SECONDS)
            continue
        if rate is not None:
            gap = rate.spacing * random.uniform(*GAP_JITTER)  # noqa: S311 (spreading load)
            needed = egress_state.try_start(r, kind, site, name, rate.count, rate.period, token, gap)
            if needed > 0:
                site_slots.release_site_slot(r, slot, token)
                wait = min(wait, needed)
                continue
        return Lease(pool.identity(name), site, slot, token, kind, counted=rate is not None)
    return wait


def take(r, pool: Pool, site: str, token: str, lease_seconds: float, should_stop: Callable[[], bool],
         kind: str = egress_state.VIDEO, on_wait: Callable[[float], None] | None = None,
         avoid: frozenset = frozenset()) -> Lease | Unavailable:
    """Wait for an identity with budget left (polling, so a freed one is seen); never longer than
    ``pool.max_wait_seconds`` at once. Raises ``Stopped`` when told to stop meanwhile."""
    waited_since = time.monotonic()
    while True:
        if should_stop():
            raise Stopped()
        got = try_take(r, pool, site, token, lease_seconds, kind, avoid=avoid)
        if not isinstance(got, float):
            return got
        if time.monotonic() - waited_since + got > pool.max_wait_seconds:
            until = time.time() + got
            return Unavailable(until, f"every identity spent its budget for {site}; next start at "
                                      f"{time.strftime('%H:%M:%S UTC', time.gmtime(until))}")
        if on_wait is not None:
            on_wait(got)
        time.sleep(min(max(got, 0.01), POLL_SECONDS * 4))


class Stopped(Exception):
    """The worker is stopping (or lost its lease) while waiting for an identity."""


class NoIdentity(Exception):
    """No identity may read the site now (every one paused, or out of budget): read it later."""

    def __init__(self, gone: Unavailable):
        super().__init__(gone.reason)
        self.until = gone.until


@contextmanager
def reading(r, pool: Pool, url: str, kind: str = egress_state.VIDEO, lease_seconds: float = 120.0,
            max_wait_seconds: float = 10.0, should_stop: Callable[[], bool] = lambda: False):
    """One read of a site outside a download (a video's page for its history, an import, a listing):
    it takes a lease and a start like a download, yields the identity to read through, and trips the
    identity if the site refuses it. ``NoIdentity`` when none may read now (short waits only: the
    caller is a sync, not a download worker)."""
    site = pool.site(url)
    token = f"read-{uuid.uuid4().hex}"
    got = take(r, dataclasses.replace(pool, max_wait_seconds=max_wait_seconds), site, token, lease_seconds,
               should_stop, kind=kind)
    if isinstance(got, Unavailable):
        raise NoIdentity(got)
    try:
        yield got.identity
    except Exception as exc:
        from archiver.ytdlp import failures

        kind_of, reason = failures.classify(exc)
        if (why := refusal(r, pool, got, kind_of, reason)):
            trip(r, pool, got, why)
        raise
    finally:
        release(r, got)


def confirm(r, lease: Lease | None) -> None:
    """The lease's first request has been sent: its start's window runs from now (once; cheap after)."""
    if lease is not None and lease.counted and not lease.confirmed:
        lease.confirmed = True
        egress_state.confirm_start(r, lease.kind, lease.site, lease.identity.name, lease.token)


def release(r, lease: Lease | None) -> None:
    """Give the identity back (its start stays counted: the site saw it); confirm a start left pending."""
    if lease is not None:
        confirm(r, lease)
        site_slots.release_site_slot(r, lease.slot, lease.token)


def ready_at(r, pool: Pool, site: str, at: float | None = None) -> float:
    """The earliest epoch time some identity could start on ``site`` (``at`` when one can now)."""
    at = time.time() if at is None else at
    rate = pool.rate(site)
    best = float("inf")
    for identity in pool.identities:
        pause = egress_state.pause_of(r, site, identity.name, at)
        start = pause["until"] if pause else at
        if rate is not None:
            start = max(start, at + egress_state.start_wait(r, egress_state.VIDEO, site, identity.name,
                                                            rate.count, rate.period))
        best = min(best, start)
    return best if best != float("inf") else at


def can_start(r, pool: Pool, site: str, at: float | None = None) -> tuple[bool, str]:
    """Whether some identity is unpaused for ``site`` with budget left in its window, and why (for people)."""
    at = time.time() if at is None else at
    rate = pool.rate(site)
    paused = [p for i in pool.identities if (p := egress_state.pause_of(r, site, i.name, at))]
    free = [i for i in pool.identities if i.name not in {p["identity"] for p in paused}]
    if not free:
        until = min(p["until"] for p in paused)
        return False, (f"every identity ({len(paused)}) paused, the first until "
                       f"{time.strftime('%H:%M:%S UTC', time.gmtime(until))}")
    if rate is None:
        return True, f"{len(free)} of {len(pool.identities)} identities unpaused, no budget applies"
    left = [i for i in free if egress_state.starts_in_window(r, egress_state.VIDEO, site, i.name, rate.period)
            < rate.count]
    if not left:
        return False, (f"{len(free)} unpaused identities spent their budget ({rate.count} per "
                       f"{rate.period:g}s) for now")
    return True, f"{len(left)} of {len(pool.identities)} identities unpaused with budget left"


def refusal(r, pool: Pool, lease: Lease, kind: FailureKind, reason: str) -> str:
    """Why the site refused this identity (the breaker trips), or "" when the failure was the video's.

    ``kind`` is what archiver.ytdlp.failures.classify said. A bot check, 429 or "rate-limited" text
    trips at once; a 403 on media only once ``pool.forbidden_streak`` came in a row.
    """
    if kind == FailureKind.BLOCKED or _RATE_LIMITED.search(reason):
        return reason
    if _MEDIA_FORBIDDEN.search(reason):
        run = egress_state.count_forbidden(r, lease.site, lease.identity.name)
        if run >= pool.forbidden_streak:
            egress_state.clear_forbidden(r, lease.site, lease.identity.name)
            return f"{run} HTTP 403s in a row on media: {reason}"
    return ""


def is_media_forbidden(reason: str) -> bool:
    """A 403 on the media itself: maybe this identity, maybe the video; worth one try elsewhere."""
    return bool(_MEDIA_FORBIDDEN.search(reason))


def trip(r, pool: Pool, lease: Lease, reason: str) -> float:
    """Pause ``lease``'s identity for its site (doubling while it repeats, at most a day)."""
    until = egress_state.trip(r, lease.site, lease.identity.name, reason, pool.pause_seconds)
    log.warning("site %s refused identity %s (%s): it pauses there until %s; other identities go on",
                lease.site, lease.identity.name, reason[:200], time.strftime("%H:%M:%S", time.gmtime(until)))
    return until


def served_well(r, lease: Lease) -> None:
    """A success through ``lease``: a run of 403s is over."""
    egress_state.clear_forbidden(r, lease.site, lease.identity.name)
