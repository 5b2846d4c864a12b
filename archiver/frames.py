"""A thumbnail taken from the video itself, by ffmpeg (its other direct use: archiver.podcast_art).

Every archived video has a ``thumbnail.jpg`` (media servers and the web app
show it). Sites without thumbnails (a podcast feed's direct links) get a frame
from a tenth of the way in (at most 10 s), scaled to at most 640 pixels wide.
Audio alone has no frame: then there is none, and the caller says so.
"""
from __future__ import annotations

import logging
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)


def thumbnail_from_video(video: Path, target: Path, duration: float | None = None, timeout: float = 60) -> bool:
    """Write a JPEG frame of ``video`` to ``target``; whether one could be made."""
    at = min(10.0, (duration or 0) / 10)
    tmp = target.with_name(f".{target.name}.part.jpg")
    command = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", f"{at:.2f}", "-i", str(video),
               "-frames:v", "1", "-vf", "scale='min(640,iw)':-2", "-q:v", "3", str(tmp)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("no thumbnail from %s: %s", video.name, exc)
        tmp.unlink(missing_ok=True)
        return False
    if done.returncode or not tmp.is_file() or not tmp.stat().st_size:
        log.info("no thumbnail from %s: %s", video.name, done.stderr.strip()[:300] or "no video frame")
        tmp.unlink(missing_ok=True)
        return False
    tmp.rename(target)
    return True
