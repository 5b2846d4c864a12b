"""A video's chapters for the player: the site's own and SponsorBlock's, read from its archived info.json.

yt-dlp writes both into ``video.info.json`` (archiver/tree.py's INFO_FILE): ``chapters`` as the site gives
them, and ``sponsorblock_chapters`` when the channel asks SponsorBlock to mark categories (its post-processor
runs before the info file is written; ``archiver.channel_options.sponsorblock_postprocessors``). The file can
be megabytes (every format's URL), so it is read once per version (its size and mtime) and only the few
chapter fields are kept; a missing, huge or malformed file means no chapters, never an error page.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from archiver import readable, tree

log = logging.getLogger(__name__)
MAX_INFO_BYTES = 64 * 1024 * 1024
MAX_CHAPTERS = 500


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str
    kind: str  # "chapter" (the site's) or "sponsorblock"
    category: str = ""  # SponsorBlock's category ("sponsor", "intro", ...)

    @property
    def at(self) -> str:
        return readable.clock(self.start)

    def as_json(self) -> dict:
        return {"start": self.start, "end": self.end, "title": self.title, "kind": self.kind,
                "category": self.category}


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def from_info(info: dict, duration: float | None = None) -> list[Chapter]:
    """The chapters of an info dict, each kind in time order (a chapter without an end runs to the next one,
    or to the end of the video)."""
    out: list[Chapter] = []
    for key, kind in (("chapters", "chapter"), ("sponsorblock_chapters", "sponsorblock")):
        entries = info.get(key)
        if not isinstance(entries, list):
            continue
        found = []
        for entry in entries[:MAX_CHAPTERS]:
            if not isinstance(entry, dict) or (start := _number(entry.get("start_time"))) is None:
                continue
            end = _number(entry.get("end_time"))
            category = str(entry.get("category") or "")[:40] if kind == "sponsorblock" else ""
            title = str(entry.get("title") or category or "").strip()[:200]
            found.append([start, end, title, category])
        found.sort(key=lambda c: c[0])
        for i, (start, end, title, category) in enumerate(found):
            if end is None or end < start:
                end = found[i + 1][0] if i + 1 < len(found) else (duration or start)
            out.append(Chapter(start, end, title or f"Chapter {i + 1}", kind, category))
    return out


@lru_cache(maxsize=512)
def _read(path: str, _size: int, _mtime_ns: int, duration: float | None) -> tuple[Chapter, ...]:
    try:
        info = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        log.warning("chapters of %s unreadable: %s", path, exc)
        return ()
    return tuple(from_info(info, duration)) if isinstance(info, dict) else ()


def of_video(root: Path, channel_id: str, video_id: str, duration: float | None = None) -> list[Chapter]:
    """The archived video's chapters (none when it has no info.json)."""
    path = tree.info_file(tree.video_dir(root, channel_id, video_id))
    try:
        stat = path.stat()
    except OSError:
        return []
    if stat.st_size > MAX_INFO_BYTES:
        log.warning("chapters of %s not read: %d bytes", path, stat.st_size)
        return []
    return list(_read(str(path), stat.st_size, stat.st_mtime_ns, duration))
