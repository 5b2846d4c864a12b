"""Episode numbers for a channel shown as a date-based show: ``S{year}E{MMDD}{NN}``.

A video's season is its upload year; its episode is the month and day and ``NN``, its order among the
videos of that day (01, 02, …; three digits past 99). Numbers are stable: a video keeps the number the
view gave it as long as its day does not change (the builder keeps them in its manifest), and a new
video of the same day takes the next free one, so nothing already in a media server's library is
renumbered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"^S(\d{4})E(\d{4})(\d{2,3})$")
UNDATED = "00000000"  # a video with no known day: season 0 (the specials), in the order it came


@dataclass(frozen=True)
class Code:
    year: str
    mmdd: str
    nn: int

    @property
    def text(self) -> str:
        return f"S{self.year}E{self.mmdd}{self.nn:02d}"

    @property
    def season(self) -> int:
        return int(self.year)

    @property
    def episode(self) -> int:
        return int(f"{self.mmdd}{self.nn:02d}")

    @property
    def day(self) -> str:
        return self.year + self.mmdd


def parse(text: str) -> Code | None:
    match = _CODE.match(text or "")
    return Code(match[1], match[2], int(match[3])) if match else None


def day_of(upload_date: str) -> str:
    text = str(upload_date or "")
    return text if len(text) == 8 and text.isdigit() else UNDATED


def assign(kept: dict[str, str], videos: dict[str, str]) -> dict[str, Code]:
    """Codes for ``videos`` (video id -> upload day, YYYYMMDD or ""): each one's kept code (``kept``, video
    id -> code text, from the view's manifest) when its day is the same, else the next free number of its day.
    Codes of videos not in ``videos`` still hold their numbers (they are in the view)."""
    taken: dict[str, set[int]] = {}
    codes: dict[str, Code] = {}
    for video_id, text in kept.items():
        code = parse(text)
        if code is None:
            continue
        if video_id in videos and code.day != day_of(videos[video_id]):
            continue
        taken.setdefault(code.day, set()).add(code.nn)
        if video_id in videos:
            codes[video_id] = code
    for video_id in sorted(v for v in videos if v not in codes):
        day = day_of(videos[video_id])
        used = taken.setdefault(day, set())
        nn = next(n for n in range(1, len(used) + 2) if n not in used)
        used.add(nn)
        codes[video_id] = Code(day[:4], day[4:], nn)
    return codes
