"""What the CLI prints: plain aligned tables for people, JSON with ``--json``. Pure functions.

Titles, descriptions and channel names are written by strangers, and a terminal obeys control characters
and bidi overrides in them (a title could move the cursor, recolour or rewrite the line, or reverse what
follows). Everything printed goes through ``printable`` (C0/C1 controls but newline and tab, and U+202A-E,
U+2066-9 removed); JSON escapes the same characters as ``\\uXXXX`` instead, so a program still reads the
exact text.

The statuses are the server's own words, from ``archiver.vocabulary`` (standard library only: the CLI stays
free of Django), never a copy.
"""
from __future__ import annotations

import json
import re
import sys
from datetime import datetime

from archiver.vocabulary import ACTIVE_JOB, BUSY_STATUSES, PROGRESS_STATUSES, VideoStatus

STATUSES = tuple(str(s) for s in PROGRESS_STATUSES)  # the API's progress counts, in display order
_OLD_NAMES = {"pending": VideoStatus.QUEUED, "processing": VideoStatus.DOWNLOADING, "completed": VideoStatus.ARCHIVED}
_NOT_FOR_TERMINALS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without what a terminal would obey rather than show; nothing else changes."""
    return _NOT_FOR_TERMINALS.sub("", text)


def size(n: int | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def date(yyyymmdd: str | None) -> str:
    if not yyyymmdd or len(yyyymmdd) != 8:
        return "-"
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


def when(iso: str | None) -> str:
    if not iso:
        return "never"
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def normalise_progress(body: dict) -> dict:
    """Progress with the status vocabulary, from this server or an older one (pending -> queued...)."""
    counts = {name: 0 for name in STATUSES}
    for key, value in body.items():
        name = _OLD_NAMES.get(key, key)
        if name in counts and isinstance(value, int):
            counts[name] += value
    in_flight = body.get("in_flight", body.get("downloading") if isinstance(body.get("downloading"), list) else [])
    return {"total": body.get("total", 0), **counts, "in_flight": in_flight or [], "sync": body.get("sync")}


def settled(progress: dict) -> bool:
    sync = progress.get("sync") or {}
    busy = sum(progress[s] for s in BUSY_STATUSES)
    return sync.get("status") not in ACTIVE_JOB and busy == 0


def table(rows: list[list[str]], headers: list[str]) -> str:
    """Left-aligned columns, two spaces apart; the last column is never padded."""
    cells = [headers, *rows]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(str(c).ljust(w) if i < len(headers) - 1 else str(c)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip() for row in cells]
    return "\n".join(lines)


def video_note(video: dict) -> str:
    """Why a video failed or when it is tried next, the cause in plain words when the server names it:
    "retrying at 14:05, attempt 2 of 4: A network error … [network]" (else yt-dlp's own words)."""
    why = f"{video['hint']} [{video['reason']}]" if video.get("hint") else video.get("last_error", "")
    if video.get("status") == VideoStatus.RETRYING:
        at = when(video.get("next_attempt_at"))[-5:]
        return f"retrying at {at}, attempt {video.get('attempts', 0) + 1} of {video.get('max_attempts', '?')}: {why}"
    if video.get("status") == VideoStatus.FAILED:
        kind = "dead letter" if video.get("dead_letter") else video.get("failure_kind") or "failed"
        return f"{kind}: {why}"
    return ""


def as_json(data) -> str:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _NOT_FOR_TERMINALS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def say(text: str) -> None:
    """One line on standard output, with upstream text unable to drive the terminal (``printable``)."""
    sys.stdout.write(printable(text) + "\n")
