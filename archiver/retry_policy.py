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

from archiver.statuses import FailureKind, OutcomeStatus, VideoStatus

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


def next_step(status: OutcomeStatus, kind: FailureKind, attempt: int, max_attempts: int,
              base_seconds: float, now: datetime, rand: float | None = None) -> Step:
    """Archived stays archived; permanent fails; transient retries until ``max_attempts`` ran."""
    if status is OutcomeStatus.ARCHIVED:
        return Step(VideoStatus.ARCHIVED, FailureKind.NONE, None)
    if kind is FailureKind.PERMANENT:
        return Step(VideoStatus.FAILED, FailureKind.PERMANENT, None)
    if attempt < max_attempts:
        wait = backoff_seconds(attempt, base_seconds, rand)
        return Step(VideoStatus.RETRYING, FailureKind.TRANSIENT, now + timedelta(seconds=wait))
    return Step(VideoStatus.FAILED, FailureKind.TRANSIENT, None)
