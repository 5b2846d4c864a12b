"""WebVTT text -> timed lines, rolling-caption repeats merged: the cues a search hit can jump to.

YouTube's automatic captions roll: each line is shown while it is spoken (word by word, ``<c>`` and
``<00:00:01.200>`` tags), then alone for 10 ms, then again above the next line. Read cue by cue, every
line would be found two or three times at different times. Here a line that merely repeats a line of
the cue before it (and touches it in time) is not a new cue: it lengthens the one it repeats, so each
spoken line is one cue that starts when it was first said. A person's subtitles come out as written
(a cue's lines joined by a space).

A small parser rather than a library: the files are ours or yt-dlp's (WEBVTT, optional header lines,
cues with an optional identifier and settings), and a dependency whose parse of YouTube's tag soup we
would still have to merge buys nothing. Pure: no Django.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_TAG = re.compile(r"<[^>]*>")
_TOUCHING = 0.05  # seconds: a repeat this close after the cue it repeats lengthens it
MAX_TEXT = 2000


@dataclass
class Cue:
    start: float
    end: float
    text: str


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    seconds = float(parts[-1]) + 60 * int(parts[-2])
    return seconds + 3600 * int(parts[0]) if len(parts) == 3 else seconds


def _clean(line: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", line)).split())


def raw_cues(text: str) -> list[tuple[float, float, list[str]]]:
    """Every cue as written: (start, end, its non-empty lines without tags). NOTE and STYLE blocks skipped."""
    cues = []
    for block in re.split(r"\r?\n\r?\n", text.replace("\ufeff", "")):  # a line of spaces is inside a cue
        lines = block.splitlines()
        for i, line in enumerate(lines[:2]):  # the timing line, after an optional identifier
            match = _TIMING.match(line)
            if match:
                start, end = _seconds(match.group(1)), _seconds(match.group(2))
                body = [clean for raw in lines[i + 1:] if (clean := _clean(raw))]
                if body and end >= start:
                    cues.append((start, end, body))
                break
    return cues


def parse(text: str) -> list[Cue]:
    """The timed lines of a WebVTT file, each repeat of a rolling caption folded into its first showing."""
    out: list[Cue] = []
    previous: dict[str, int] = {}  # a line of the cue before -> the index of the cue that holds it
    for start, end, lines in raw_cues(text):
        current: dict[str, int] = {}
        fresh = []
        for line in lines:
            held = previous.get(line)
            if held is not None and start <= out[held].end + _TOUCHING:
                current[line] = held
            else:
                fresh.append(line)
        if fresh:
            out.append(Cue(start, end, " ".join(fresh)[:MAX_TEXT]))
            for line in fresh:
                current[line] = len(out) - 1
        else:  # only repeats: the lines are still on screen
            for held in set(current.values()):
                out[held].end = max(out[held].end, end)
        previous = current
    return out
