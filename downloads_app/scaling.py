"""The scaler backend chosen by YTARCHIVE_SCALER, fed by the work that can start now.

The backlog is the database's (queued videos per site, downloads_app.feeder);
Redis holds only the feeder's window. The seed's rule (one worker per
YTARCHIVE_WORKERS_PER_QUEUE queued, 1..max) stays the upper bound, but a queued
video whose site has no egress identity unpaused with budget left does not count:
starting a worker into a block or a spent budget only makes it wait (and, for a bot check, the block longer).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings

from archiver.egress import Pool, can_start
from archiver.scaling import desired_workers
from archiver.state import broker_queue, store, worker_presence

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    """One scaling decision and its reasons (``reconcile_workers --dry-run`` prints them)."""

    queue_length: int  # queued downloads in the database: waiting there, or in the window
    startable: int
    desired: int
    sites: dict = field(default_factory=dict)  # site -> (queued, can start, why)
    window: int = 0  # messages waiting in Redis (the feeder's window)
    cap: int = 0  # each site's backlog is counted up to this (what the rule can use)

    def lines(self) -> list[str]:
        conf = settings.YTARCHIVE
        many = "at least " if self.cap and any(n >= self.cap for n, _, _ in self.sites.values()) else ""
        out = [f"queue: {many}{self.queue_length} download(s) queued in the database ({self.window} in the "
               f"Redis window); {self.startable} can start now"]
        for site, (queued, ok, why) in sorted(self.sites.items()):
            many = "at least " if self.cap and queued >= self.cap else ""
            out.append(f"  {site}: {many}{queued} queued; {'counts' if ok else 'does not count'}: {why}")
        out.append(f"wants {self.desired} worker(s): 1 per {conf['WORKERS_PER_QUEUE']} that can start, "
                   f"at most {conf['MAX_WORKERS']}")
        return out


def plan(r=None) -> Plan:
    """The backlog from the database, per site (downloads_app.feeder): a site counts when some egress
    identity is unpaused there with budget left; the Redis queue is only the window, never the backlog."""
    from downloads_app.feeder import backlog_by_site

    conf = settings.YTARCHIVE
    r = r or store.connect(settings.REDIS_URL)
    pool = Pool.from_settings(conf)
    cap = counting_cap(conf)
    backlog = {site: n for site, n in backlog_by_site(cap).items() if n}
    reasons = {site: can_start(r, pool, site) for site in backlog}
    startable = sum(n for site, n in backlog.items() if reasons[site][0])
    return Plan(sum(backlog.values()), startable,
                desired_workers(startable, conf["WORKERS_PER_QUEUE"], conf["MAX_WORKERS"]),
                {site: (backlog[site], ok, why) for site, (ok, why) in reasons.items()},
                window=broker_queue.queue_length(r), cap=cap)


def counting_cap(conf: dict) -> int:
    """The most queued videos of one site worth counting: enough for the most workers the rule can ask
    for, and past the last resource tier's bound (archiver.scaling.resources_for)."""
    bounds = [tier.up_to for tier in conf["K8S_RESOURCE_TIERS"] if tier.up_to is not None]
    return max(conf["WORKERS_PER_QUEUE"] * max(1, conf["MAX_WORKERS"]), max(bounds, default=0) + 1)


def wanted() -> tuple[int, int]:
    """(queue length, desired worker count): by the design's rule, over the work that can start."""
    found = plan()
    return found.queue_length, found.desired


def reconcile() -> int:
    """One reconcile step for backends driven from the control queue.

    ``local`` workers are children of the long-running ``run_scaler`` process,
    which reconciles on its own loop and is woken here (work was just queued);
    ``none`` means workers are started by hand.
    """
    backend = settings.YTARCHIVE["SCALER"]
    length, desired = wanted()
    if backend == "kubernetes":
        from archiver.kube import JobScaler

        conf = settings.YTARCHIVE
        scaler = JobScaler(conf["K8S_NAMESPACE"], conf["K8S_JOB_TEMPLATE"], tiers=conf["K8S_RESOURCE_TIERS"])
        return scaler.reconcile(desired, length)
    if backend == "local" and length:
        worker_presence.wake_scaler(store.connect(settings.REDIS_URL))
    log.debug("scaler=%s queue=%s desired=%s (nothing more to do here)", backend, length, desired)
    return desired
