"""When a failed download is tried again: pure functions, so the rules are tested without Redis or Celery.

The control side owns retries (DESIGN.md, "Retry"): a worker reports a
transient failure like any outcome, and ``next_step`` decides whether the
video waits for another attempt (``retrying``, with ``next_attempt_at``) or
goes to the dead-letter list. Backoff is exponential from the seed
(base x 2^n) with jitter, so one outage does not retry every video in the same
second.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from archiver.vocabulary import FailureKind, OutcomeStatus, VideoStatus

JITTER = 0.25  # each wait is base x 2^n, give or take a quarter


def backoff_seconds(failed_attempts: int, base: float, rand: float | None = None) -> float:
    """The wait after the ``failed_attempts``-th failure: base x 2^(n-1), +/- JITTER.

    ``rand`` in [0, 1) picks the point in the jitter window (random when None).
    """
    if failed_attempts < 1:
        raise ValueError("failed_attempts starts at 1")
    rand = random.random() if rand is None else rand  # noqa: S311 (spreading load, not security)
    return base * 2 ** (failed_attempts - 1) * (1 - JITTER + 2 * JITTER * rand)


@dataclass(frozen=True)
class Step:
    """What the video row becomes after an outcome."""

    status: VideoStatus
    failure_kind: FailureKind
    next_attempt_at: datetime | None


def site_pause_seconds(strikes: int, base: float, cap: float = 86400.0) -> float:
    """How long a site pauses after its ``strikes``-th bot check in a row: base, doubling, at most ``cap``."""
    if strikes < 1:
        raise ValueError("strikes starts at 1")
    return min(cap, base * 2 ** min(strikes - 1, 30))


def next_step(status: OutcomeStatus, kind: FailureKind, attempt: int, max_attempts: int,
              base_seconds: float, now: datetime, rand: float | None = None,
              paused_until: datetime | None = None) -> Step:
    """Archived stays archived; permanent fails; transient retries until ``max_attempts`` ran.

    A blocked video (its site paused for a bot check) waits for the pause to end,
    and the attempt does not count: the video was not at fault.
    """
    if status is OutcomeStatus.ARCHIVED:
        return Step(VideoStatus.ARCHIVED, FailureKind.NONE, None)
    if status is OutcomeStatus.SKIPPED:  # the channel's options leave it out: no failure, no retry
        return Step(VideoStatus.SKIPPED, FailureKind.NONE, None)
    if kind is FailureKind.BLOCKED:
        return Step(VideoStatus.RETRYING, FailureKind.BLOCKED, max(paused_until or now, now))
    if kind is FailureKind.PERMANENT:
        return Step(VideoStatus.FAILED, FailureKind.PERMANENT, None)
    if attempt < max_attempts:
        wait = backoff_seconds(attempt, base_seconds, rand)
        return Step(VideoStatus.RETRYING, FailureKind.TRANSIENT, now + timedelta(seconds=wait))
    return Step(VideoStatus.FAILED, FailureKind.TRANSIENT, None)
