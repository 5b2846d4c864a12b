"""A channel's podcast artwork: its poster, square and 1400 to 3000 pixels a side, as Apple Podcasts requires.

``source()`` is the poster, or the newest video's thumbnail when there is none.
A site's channel avatar is often small (88 px) and need not be square; podcast
directories and apps refuse or blur art under 1400 px. ffmpeg (already the
archiver's) crops the poster to its centre square and scales it to
``side(width, height)``: the square's own size held between 1400 and 3000.

The result is ytarchive's own file, never archive content
(``tree.podcast_art_path``: ``.ytarchive/podcast-art/{channel}.jpg``), written
under a temporary name and renamed. It carries the poster's mtime, so a new
poster (a sync rewrites it) is noticed by comparing the two and the art is made
again; the served file's ETag changes with it.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import tempfile
from pathlib import Path

from archiver import tree

log = logging.getLogger(__name__)

MIN_SIDE, MAX_SIDE = 1400, 3000


def side(width: int, height: int) -> int:
    """The artwork's side for a poster of ``width`` x ``height``: its centre square's, within Apple's bounds."""
    return max(MIN_SIDE, min(MAX_SIDE, min(width, height)))


def dimensions(image: Path, timeout: float = 30) -> tuple[int, int] | None:
    """``(width, height)`` of an image as ffprobe reads it; None when it is no image."""
    command = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
               "-of", "json", str(image)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        stream = json.loads(done.stdout or "{}").get("streams", [{}])[0]
        return int(stream["width"]), int(stream["height"])
    except (OSError, subprocess.TimeoutExpired, ValueError, KeyError, IndexError):
        return None


def source(root: Path, channel_id: str, newest_video_id: str | None = None) -> Path | None:
    """What the artwork is made from: the channel's poster, else its newest video's thumbnail (a channel
    archived without NFO files, or whose site gave no avatar, still gets artwork); None with neither."""
    candidates = [tree.poster_path(root, channel_id)]
    if newest_video_id:
        candidates.append(tree.thumbnail_file(tree.video_dir(root, channel_id, newest_video_id)))
    return next((path for path in candidates if path.is_file()), None)


def artwork(root: Path, channel_id: str, newest_video_id: str | None = None, timeout: float = 60) -> Path | None:
    """The channel's artwork, made (again) when missing or not made from the current ``source()``; None when
    there is nothing to make it from."""
    poster = source(root, channel_id, newest_video_id)
    target = tree.podcast_art_path(root, channel_id)
    try:
        made = poster.stat()
    except (OSError, AttributeError):
        return None
    try:
        if target.stat().st_mtime_ns == made.st_mtime_ns:
            return target
    except OSError:
        pass
    return target if make(poster, target, made, timeout) else None


def make(poster: Path, target: Path, made: os.stat_result, timeout: float = 60) -> bool:
    """Write ``poster`` as square artwork to ``target`` (mtime: the poster's); whether it worked."""
    size = dimensions(poster, timeout)
    if size is None:
        log.info("no podcast artwork from %s: not an image", poster)
        return False
    length = side(*size)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{tree.TEMP_PREFIX}{target.stem}-", suffix=".jpg", dir=target.parent)
    os.close(fd)
    square = "crop='min(iw,ih)':'min(iw,ih)'"
    command = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(poster), "-frames:v", "1",
               "-vf", f"{square},scale={length}:{length}:flags=lanczos,setsar=1,format=yuvj444p",
               "-q:v", "2", tmp]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode or not os.path.getsize(tmp):
            log.info("no podcast artwork from %s: %s", poster, done.stderr.strip()[:300])
            Path(tmp).unlink(missing_ok=True)
            return False
        os.chmod(tmp, 0o644)
        os.utime(tmp, ns=(made.st_atime_ns, made.st_mtime_ns))
        os.replace(tmp, target)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("no podcast artwork from %s: %s", poster, exc)
        Path(tmp).unlink(missing_ok=True)
        return False
    return True
