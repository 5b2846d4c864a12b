"""Numbers as people read them, written one way on every page, chart and command: byte counts in binary
units (40.0 KiB, 1.5 GiB; Django's ``filesizeformat`` said "KB" for the same bytes the CLI called "KiB")
and times in a video as players write them (1:02:03, 2:20, 0:07)."""
from __future__ import annotations

import math

UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def binary_size(n: float | int | None) -> str:
    """``1536`` -> ``"1.5 KiB"``; None -> ``"?"``."""
    if n is None:
        return "?"
    value, unit = float(n), 0
    while abs(value) >= 1024 and unit < len(UNITS) - 1:
        value /= 1024
        unit += 1
    return f"{value:.0f} {UNITS[0]}" if unit == 0 else f"{value:.1f} {UNITS[unit]}"


def clock(seconds: float) -> str:
    """``3723`` -> ``1:02:03``, ``140`` -> ``2:20``, ``7.9`` -> ``0:07`` (a time code: the second it is in);
    "" for what is no time (negative, NaN, infinite)."""
    if not math.isfinite(seconds) or seconds < 0:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration(seconds: float) -> str:
    """A length, rounded to the nearest second: ``139.6`` -> ``2:20``."""
    return clock(round(seconds)) if math.isfinite(seconds) else ""
