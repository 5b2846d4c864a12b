"""What a finished video folder says about itself, for an outcome that found it already in place.

A worker that meets a video's final folder (its channel removed with its
files kept and added again, a redelivered task, a worker that died between
publishing and reporting) downloads nothing; but the catalog still needs the
facts a download would have reported: the media file, its size, subtitles and
what ``video.info.json`` says (title, date, length, format). They are read
here from the folder alone (the worker has no database), in the archive's own
layout (archiver.tree), never following a link.
"""
from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

from archiver import tree

log = logging.getLogger(__name__)
MAX_INFO_BYTES = 50_000_000
_NOT_MEDIA = {tree.INFO_FILE, tree.NFO_FILE, tree.THUMBNAIL_FILE}


def facts(folder: Path) -> dict:
    """The Outcome/DownloadReport fields the folder proves: video_file, size_bytes, subtitles, title, ..."""
    media = sorted(p.name for p in folder.glob(f"{tree.VIDEO_FILE_STEM}.*")
                   if p.name not in _NOT_MEDIA and _regular(p))
    subs_dir = tree.subtitles_dir(folder)
    subtitles = sorted(p.stem for p in subs_dir.glob("*.vtt") if _regular(p)) if _is_dir(subs_dir) else []
    info = _info(tree.info_file(folder))
    duration = info.get("duration")
    return {
        "video_file": media[0] if len(media) == 1 else "",
        "size_bytes": _downloaded_size(folder),
        "disk_bytes": tree.disk_usage(folder),
        "subtitles": tuple(subtitles),
        "title": str(info.get("title") or "")[:1000],
        "upload_date": str(info.get("upload_date") or "")[:8],
        "duration": float(duration) if isinstance(duration, int | float) else 0.0,
        "format_id": str(info.get("format_id") or "")[:100],
        "height": info["height"] if isinstance(info.get("height"), int) else 0,
        "description": str(info.get("description") or "")[:10_000],
    }


def _downloaded_size(folder: Path) -> int:
    """The measure a download reports: the folder less what is made after yt-dlp (video.nfo, the manifest)."""
    made_after = sum(p.stat().st_size for p in (tree.nfo_file(folder), tree.checksums_file(folder)) if _regular(p))
    return tree.dir_size(folder) - made_after


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _info(path: Path) -> dict:
    """The folder's video.info.json, or {} (missing, a link, or not JSON: the facts then come from the files)."""
    if not _regular(path) or path.stat().st_size > MAX_INFO_BYTES:
        return {}
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.info("%s is not readable (%s): facts from the files alone", path, exc.__class__.__name__)
        return {}
    return info if isinstance(info, dict) else {}
