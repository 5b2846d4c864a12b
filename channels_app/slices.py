"""Long maintenance work in bounded slices, each under a lease (archiver.state.task_leases).

A fixity round over 30 TB or an import of a large folder used to be one task of an hour or more: it
held a control slot all that time, and the broker's one-hour visibility timeout delivered it again
while it still ran. Now each run does one slice of at most YTARCHIVE_SLICE_SECONDS (the video or file
it is at is finished), keeps its place in the database (the rows it wrote are its cursor), and sends
itself again for the rest. A copy delivered twice, or a round beat sends while the last one runs,
finds the lease held and returns without working.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings

from archiver.state import store, task_leases

log = logging.getLogger(__name__)
HELD = {"skipped": "another copy holds the lease"}


def run_slice(name: str, work: Callable[[Callable[[], bool]], tuple[dict, dict | None]],
              resend: Callable[[dict], object]) -> dict:
    """Run ``work(should_stop)`` under the lease ``name``; it returns (result, kwargs of the next slice or None).

    ``should_stop`` turns true at the slice's deadline or if the lease was lost. The next slice is sent
    after the lease is released, so it can take it.
    """
    r = store.connect(settings.REDIS_URL)
    deadline = time.monotonic() + settings.YTARCHIVE["SLICE_SECONDS"]
    with task_leases.held(r, name, settings.YTARCHIVE["LEASE_SECONDS"]) as lease:
        if lease is None:
            log.info("%s: another copy holds its lease; this one returns without working", name)
            return dict(HELD)
        result, rest = work(lambda: lease.lost or time.monotonic() >= deadline)
    if rest is not None:
        log.info("%s: slice done (%s); the rest goes on in the next slice", name, result)
        resend(rest)
    return result
