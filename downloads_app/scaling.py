"""The scaler backend chosen by YTARCHIVE_SCALER, fed from the Redis queue length."""
from __future__ import annotations

import logging

from django.conf import settings

from archiver import state
from archiver.scaling import desired_workers

log = logging.getLogger(__name__)


def wanted() -> tuple[int, int]:
    """(queue length, desired worker count) by the design's rule."""
    conf = settings.YTARCHIVE
    length = state.queue_length(state.connect(settings.REDIS_URL))
    return length, desired_workers(length, conf["WORKERS_PER_QUEUE"], conf["MAX_WORKERS"])


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
