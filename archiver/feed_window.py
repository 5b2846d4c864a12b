"""How many download messages may wait in Redis for one site: the feeder's window, and how it is shared.

The database holds the backlog; Redis holds only a few times what can run now
(downloads_app.feeder). What can run now, per site, is the sum over its egress
identities that are not paused there: each may run ``leases_per_identity``
downloads at once (YTARCHIVE_DOWNLOADS_PER_SITE; any number when 0), never more
than the starts left in its budget window, and the whole site never more than
the workers can run (YTARCHIVE_MAX_WORKERS x YTARCHIVE_DOWNLOADS_PER_WORKER). A
site whose identities are all paused, or out of budget, gets a window of 0: it is
not fed, so its backlog waits in the database instead of draining into
"blocked" outcomes. Messages carry no identity (a worker takes whichever has
budget), so a site's window is the sum of its identities'.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from archiver.state import egress as egress_state


def fleet_capacity(max_workers: int, live_workers: int, downloads_per_worker: int) -> int:
    """Downloads the workers can run at once: the most workers the scaler starts (or the ones that
    run, when more were started by hand), at least one, times the downloads each runs."""
    return max(max_workers, live_workers, 1) * max(1, downloads_per_worker)


@dataclass(frozen=True)
class SiteWindow:
    """What one site may have in flight (sent and not yet reported), and why (for people)."""

    site: str
    can_run: int  # downloads that could run at once now
    window: int  # messages that may be in flight: ``factor`` x ``can_run``, never past the budget left
    why: str


def site_window(r, pool, site: str, fleet: int, factor: float, at: float | None = None) -> SiteWindow:
    """The window of ``site`` now, from its identities' pauses and budgets (``pool``: archiver.egress.Pool)."""
    rate = pool.rate(site)
    can_run = window = paused = spent = 0
    for identity in pool.identities:
        if egress_state.pause_of(r, site, identity.name, at):
            paused += 1
            continue
        runs = pool.leases_per_identity or fleet
        sent = math.ceil(runs * factor)
        if rate is not None:
            left = max(0, rate.count - egress_state.starts_in_window(r, egress_state.VIDEO, site, identity.name,
                                                                     rate.period))
            spent += left == 0
            runs, sent = min(runs, left), min(sent, left)
        can_run += runs
        window += sent
    can_run, window = min(fleet, can_run), min(math.ceil(fleet * factor), window)
    total = len(pool.identities)
    if paused == total:
        why = f"every identity ({total}) paused: not fed"
    elif window == 0:
        why = f"{total - paused} unpaused identities spent their budget for now: not fed"
    else:
        why = f"{total - paused - spent} of {total} identities can start: {can_run} at once"
    return SiteWindow(site, can_run, window, why)


def share(room: int, streams: list[tuple[int, list]]) -> list:
    """Up to ``room`` items from ``streams`` (weight, items in priority order), taken in turns in
    proportion to the weights (a smooth weighted round robin); a stream that runs out leaves its turns
    to the others. Each stream keeps its own order."""
    live = [[max(1, weight), list(items), 0] for weight, items in streams if items]
    taken: list = []
    while live and len(taken) < room:
        total = sum(stream[0] for stream in live)
        for stream in live:
            stream[2] += stream[0]
        best = max(live, key=lambda stream: stream[2])
        best[2] -= total
        taken.append(best[1].pop(0))
        if not best[1]:
            live.remove(best)
    return taken
