"""The scaler backend chosen by YTARCHIVE_SCALER, fed by the work that can start now.

The seed's rule (one worker per YTARCHIVE_WORKERS_PER_QUEUE queued, 1..max) stays
the upper bound, but a queued video whose site has no egress identity unpaused
with budget left does not count: starting a worker into a block or a spent budget
only makes it wait (and, for a bot check, the block longer).
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

from archiver import state
from archiver.egress import Pool, can_start
from archiver.scaling import desired_workers, startable_length

log = logging.getLogger(__name__)
SAMPLE = 1000  # messages read from the head of the queue to see which sites the work is for


@dataclass(frozen=True)
class Plan:
    """One scaling decision and its reasons (``reconcile_workers --dry-run`` prints them)."""

    queue_length: int
    startable: int
    desired: int
    sites: dict = field(default_factory=dict)  # site -> (messages sampled, can start, why)

    def lines(self) -> list[str]:
        conf = settings.YTARCHIVE
        out = [f"queue: {self.queue_length} download(s); {self.startable} can start now"]
        for site, (sampled, ok, why) in sorted(self.sites.items()):
            out.append(f"  {site}: {sampled} of the next queued; {'counts' if ok else 'does not count'}: {why}")
        out.append(f"wants {self.desired} worker(s): 1 per {conf['WORKERS_PER_QUEUE']} that can start, "
                   f"at most {conf['MAX_WORKERS']}")
        return out


def plan(r=None) -> Plan:
    conf = settings.YTARCHIVE
    r = r or state.connect(settings.REDIS_URL)
    length = state.queue_length(r)
    pool = Pool.from_settings(conf)
    sampled = [pool.site(url) for url in state.queued_urls(r, SAMPLE)] if length else []
    reasons = {site: can_start(r, pool, site) for site in set(sampled)}
    startable = startable_length(length, sampled, {site: ok for site, (ok, _) in reasons.items()})
    counts = Counter(sampled)
    return Plan(length, startable, desired_workers(startable, conf["WORKERS_PER_QUEUE"], conf["MAX_WORKERS"]),
                {site: (counts[site], ok, why) for site, (ok, why) in reasons.items()})


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
        state.wake_scaler(state.connect(settings.REDIS_URL))
    log.debug("scaler=%s queue=%s desired=%s (nothing more to do here)", backend, length, desired)
    return desired
