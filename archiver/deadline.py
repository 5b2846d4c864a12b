"""When a download worker with a deadline stops taking new work (pure: no Redis, no Django).

A Kubernetes Job has ``activeDeadlineSeconds`` (an hour by default); the chart and the scaler pass
it to the worker as YTARCHIVE_WORKER_DEADLINE_SECONDS, counted from the worker's start. A worker
that knows its deadline starts a download only when its time left, less the grace it needs to
hand a download back (YTARCHIVE_SHUTDOWN_GRACE_SECONDS), covers what that download is expected to
take; otherwise it hands the message back unstarted (another worker, or the next Job, takes it)
and takes no more work. At its deadline, less the grace, it stops by itself: the download in
flight is handed back with its partial files kept, and the next attempt resumes them.

The expected time is simple on purpose:

    expected = duration (from the listing, in the message) x seconds of download per second of
               video x the share of the media not yet on disk (a handed-back download resumes)

The rate starts at YTARCHIVE_SECONDS_PER_VIDEO_SECOND and then follows this worker's own finished
downloads (``Pace``, a moving average). Two limits keep it from refusing for ever:

* the need is capped at half the worker's whole allowance, so a video longer than any Job still
  starts in a fresh Job and completes across Jobs by resuming;
* a video of unknown duration (0) always starts.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

SMOOTHING = 0.3  # weight of the newest finished download in the moving average


@dataclass(frozen=True)
class Deadline:
    """A worker's allowance: ``seconds`` from ``started`` (``time.monotonic()``), ``grace`` to hand back."""

    seconds: float
    started: float
    grace: float = 0.0

    def remaining(self, now: float | None = None) -> float:
        """Seconds left to work, the hand-back grace already taken off."""
        now = time.monotonic() if now is None else now
        return self.started + self.seconds - self.grace - now

    def may_start(self, expected_seconds: float, now: float | None = None) -> bool:
        """Whether a download expected to take ``expected_seconds`` may start now."""
        needed = min(expected_seconds, self.seconds / 2)
        return self.remaining(now) >= needed


class Pace:
    """Seconds of download per second of video, as this worker measures them (thread-safe)."""

    def __init__(self, initial: float):
        self._value = initial
        self._lock = threading.Lock()

    def reset(self, value: float) -> None:
        with self._lock:
            self._value = value

    @property
    def value(self) -> float:
        with self._lock:
            return self._value

    def observe(self, download_seconds: float, video_seconds: float) -> None:
        """One finished download, from its first byte (a resumed or already archived one says nothing)."""
        if video_seconds <= 0 or download_seconds <= 0:
            return
        with self._lock:
            self._value += SMOOTHING * (download_seconds / video_seconds - self._value)

    def expected(self, duration: float, done_fraction: float = 0.0) -> float:
        """Seconds a download of a ``duration``-second video is expected to take (0: unknown)."""
        left = 1.0 - min(max(done_fraction, 0.0), 1.0)
        return max(duration, 0.0) * self.value * left
