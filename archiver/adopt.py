"""Adopting a yt-dlp output folder: finding each video's files, and laying them out as the archive tree wants.

A yt-dlp folder made with ``--write-info-json`` holds, for any output
template, ``<base>.info.json`` beside ``<base>.<ext>`` (the media),
``<base>.<ext>`` thumbnails (``jpg``, ``webp``, ``png``) and
``<base>.<lang>.<ext>`` subtitles. ``find_videos`` groups them by that base.
A ``--download-archive`` file (``<extractor> <id>`` per line) names the videos
to take when there is no info.json; their files are found by ``[<id>]`` in the
name (yt-dlp's default template).

``link_into`` puts one video's files into a fresh folder under the archive's
names by hard link (the default: the originals are never changed, and take no
second copy of the space) or by copy when asked; a file on another filesystem
cannot be linked, and says so. Moving is linking, then removing the originals
once the video is in the catalog (the caller's last step), so an interruption
never loses a file.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from archiver import tree

MEDIA_EXTS = {"mp4", "mkv", "webm", "m4a", "opus", "mp3", "ogg", "flac", "mov", "avi", "m4v", "aac", "wav"}
THUMB_EXTS = ("jpg", "jpeg", "webp", "png")
_SUB = re.compile(r"^(?P<lang>[A-Za-z0-9_-]{1,32})\.vtt$")


class AdoptError(Exception):
    """One video cannot be adopted as asked (the reason is for the user)."""


@dataclass
class Found:
    """One video's files in the folder being adopted."""

    video_id: str  # the site's id
    info: dict
    media: Path | None
    info_file: Path | None = None
    thumbnail: Path | None = None
    subtitles: dict[str, Path] = field(default_factory=dict)

    def files(self) -> list[Path]:
        return [p for p in (self.media, self.info_file, self.thumbnail, *self.subtitles.values()) if p]


def _split(name: str, base: str) -> str | None:
    return name[len(base) + 1:] if name.startswith(base + ".") else None


def find_videos(folder: Path) -> tuple[list[Found], list[str]]:
    """Every video with an info.json under ``folder`` (recursively), and a note per file skipped."""
    found, notes = [], []
    for info_file in sorted(Path(folder).rglob("*.info.json")):
        if tree.APP_DIR in info_file.relative_to(folder).parts:
            continue  # ytarchive's own folder (an import from a folder holding an archive root)
        try:
            info = json.loads(info_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            notes.append(f"{info_file.name}: not readable as JSON ({exc.__class__.__name__})")
            continue
        if not isinstance(info, dict) or not info.get("id") or info.get("_type") in ("playlist", "multi_video"):
            continue  # a playlist's or channel's own info.json
        base = info_file.name[: -len(".info.json")]
        item = Found(video_id=str(info["id"]), info=info, media=None, info_file=info_file)
        for sibling in sorted(info_file.parent.iterdir()):
            rest = _split(sibling.name, base)
            if rest is None or not sibling.is_file() or sibling == info_file:
                continue
            ext = rest.rsplit(".", 1)[-1].lower()
            if rest.lower() == ext and ext in MEDIA_EXTS:
                item.media = sibling
            elif rest.lower() == ext and ext in THUMB_EXTS:
                item.thumbnail = item.thumbnail or sibling
            elif (m := _SUB.match(rest)) and m.group("lang") != "live_chat":
                item.subtitles[m.group("lang")] = sibling
        if item.media is None:
            notes.append(f"{info_file.name}: no media file beside it")
            continue
        found.append(item)
    return found, notes


def read_download_archive(path: Path) -> list[tuple[str, str]]:
    """``[(extractor, id)]`` from a yt-dlp ``--download-archive`` file."""
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            entries.append((parts[0], parts[1]))
    return entries


def find_by_id(folder: Path, video_id: str) -> Path | None:
    """The media file whose name carries ``[<id>]`` (yt-dlp's default template), or None."""
    for path in sorted(Path(folder).rglob(f"*[[]{video_id}[]].*")):
        if path.is_file() and path.suffix[1:].lower() in MEDIA_EXTS:
            return path
    return None


def _place(source: Path, target: Path, copy: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if copy:
        shutil.copy2(source, target)
        return
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            raise AdoptError(f"{source.name} is on another filesystem than the archive: it cannot be hard-linked "
                             "(import with --copy)") from exc
        raise


def link_into(item: Found, temp_dir: Path, copy: bool = False) -> str:
    """Put the video's files into ``temp_dir`` under the archive's names; returns the media file's name."""
    media_name = f"{tree.VIDEO_FILE_STEM}.{item.media.suffix[1:].lower()}"
    _place(item.media, temp_dir / media_name, copy)
    if item.info_file is not None:
        _place(item.info_file, temp_dir / tree.INFO_FILE, copy)
    else:
        (temp_dir / tree.INFO_FILE).write_text(json.dumps(item.info, ensure_ascii=False), encoding="utf-8")
    if item.thumbnail is not None and item.thumbnail.suffix.lower() in (".jpg", ".jpeg"):
        _place(item.thumbnail, temp_dir / tree.THUMBNAIL_FILE, copy)
    for lang, path in item.subtitles.items():
        _place(path, temp_dir / tree.SUBTITLES_DIR / f"{lang}.vtt", copy)
    return media_name
