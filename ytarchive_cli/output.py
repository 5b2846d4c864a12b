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

from archiver import readable
from archiver.vocabulary import (
    ACTIVE_JOB,
    BUSY_STATUSES,
    DONE_STATUSES,
    PROGRESS_STATUSES,
    FixityStatus,
    FlightState,
    VideoStatus,
)

STATUSES = tuple(str(s) for s in PROGRESS_STATUSES)  # the API's progress counts, in display order
_OLD_NAMES = {"pending": VideoStatus.QUEUED, "processing": VideoStatus.DOWNLOADING, "completed": VideoStatus.ARCHIVED}
_NOT_FOR_TERMINALS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without what a terminal would obey rather than show; nothing else changes."""
    return _NOT_FOR_TERMINALS.sub("", text)


def size(n: int | None) -> str:
    return "-" if n is None else readable.binary_size(n)


def duration(seconds: float | None) -> str:
    return "-" if seconds is None else readable.duration(seconds)


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
    extra = {str(k): body[k] for k in (FlightState.INTERRUPTED, FixityStatus.DAMAGED) if isinstance(body.get(k), int)}
    return {"total": body.get("total", 0), **counts, **extra, "in_flight": in_flight or [], "sync": body.get("sync")}


def counts_words(progress: dict) -> str:
    """Archived, failed and waiting apart (a failure is never "done"), then what the waiting do:
    "13 of 16 archived, 2 failed, 1 waiting (1 retrying)"; damaged and interrupted ones when there are."""
    waiting = sum(progress.get(s, 0) for s in BUSY_STATUSES) + progress.get(FlightState.INTERRUPTED, 0)
    parts = [f"{progress.get(VideoStatus.ARCHIVED, 0)} of {progress.get('total', 0)} archived"]
    # what ended without being archived (failed, skipped), each apart
    parts += [f"{progress[s]} {s}" for s in DONE_STATUSES if s != VideoStatus.ARCHIVED and progress.get(s)]
    if waiting:
        doing = [f"{progress[s]} {s}" for s in (VideoStatus.DOWNLOADING, FlightState.INTERRUPTED, VideoStatus.QUEUED,
                                                 VideoStatus.RETRYING, VideoStatus.NEW) if progress.get(s)]
        parts.append(f"{waiting} waiting" + (f" ({', '.join(doing)})" if doing else ""))
    if progress.get(FixityStatus.DAMAGED):
        parts.append(f"{progress[FixityStatus.DAMAGED]} {FixityStatus.DAMAGED}")
    return ", ".join(parts)


def shown_status(video: dict) -> str:
    """A video's status as people should read it: an archived video whose fixity check failed is damaged."""
    return video.get("shown_status") or (FixityStatus.DAMAGED if video.get("fixity_status") == FixityStatus.DAMAGED
                                         else str(video.get("status", "")))


def attempt_words(attempts: int, max_attempts) -> str:
    """"attempt 3 of 4"; past the maximum (retries lowered since), "attempt 3, its last (at most 2 now)"."""
    attempt = attempts + 1
    if isinstance(max_attempts, int) and attempt > max_attempts:
        return f"attempt {attempt}, its last (retries were lowered: at most {max_attempts} now)"
    return f"attempt {attempt} of {max_attempts}"


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
        return f"retrying at {at}, {attempt_words(video.get('attempts', 0), video.get('max_attempts', '?'))}: {why}"
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
