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

The folder is someone else's: it is walked and read through
``archiver.confined`` only (no link followed, no pipe or device opened, no file
with a second name outside), and whatever it refuses is named in ``Scan.refused``.
"""
from __future__ import annotations

import errno
import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from archiver import confined, tree

MEDIA_EXTS = {"mp4", "mkv", "webm", "m4a", "opus", "mp3", "ogg", "flac", "mov", "avi", "m4v", "aac", "wav"}
THUMB_EXTS = ("jpg", "jpeg", "webp", "png")
_SUB = re.compile(r"^(?P<lang>[A-Za-z0-9_-]{1,32})\.vtt$")
MAX_INFO_BYTES = 50_000_000  # an info.json with every format and comment stays far below
SOURCE_THUMBNAIL = ".source-thumbnail"  # a WebP/PNG thumbnail's copy in the temp folder, while it is converted


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
    inodes: dict[Path, confined.Inode] = field(default_factory=dict)  # as the walk saw them; placed ones, as linked

    def files(self) -> list[Path]:
        return [p for p in (self.media, self.info_file, self.thumbnail, *self.subtitles.values()) if p]


def _split(name: str, base: str) -> str | None:
    return name[len(base) + 1:] if name.startswith(base + ".") else None


def find_videos(scan: confined.Scan, accounted: Collection[confined.Inode] = ()) -> tuple[list[Found], list[str]]:
    """Every video with an info.json among the ``scan``'s files, and a note per file skipped.

    ``accounted``: inodes whose second name is the archive's own copy (an earlier link import), so a
    re-run can read their info.json and say "already archived".
    """
    found, notes = [], []
    by_folder: dict[Path, list[Path]] = {}
    for path in sorted(scan.files):
        by_folder.setdefault(path.parent, []).append(path)
    for info_file in sorted(p for p in scan.files if p.name.endswith(".info.json")):
        if tree.APP_DIR in info_file.relative_to(scan.root).parts:
            continue  # ytarchive's own folder (an import from a folder holding an archive root)
        try:
            info = json.loads(confined.read_bytes(info_file, scan.root, MAX_INFO_BYTES, scan.files[info_file],
                                                  accounted).decode("utf-8"))
        except confined.Refused as exc:
            scan.refuse(info_file, exc.reason)
            continue
        except (OSError, ValueError) as exc:
            notes.append(f"{info_file.name}: not readable as JSON ({exc.__class__.__name__})")
            continue
        if not isinstance(info, dict) or not info.get("id") or info.get("_type") in ("playlist", "multi_video"):
            continue  # a playlist's or channel's own info.json
        base = info_file.name[: -len(".info.json")]
        item = Found(video_id=str(info["id"]), info=info, media=None, info_file=info_file)
        for sibling in by_folder[info_file.parent]:
            rest = _split(sibling.name, base)
            if rest is None or sibling == info_file:
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
        item.inodes = {p: scan.files[p] for p in item.files()}
        found.append(item)
    return found, notes


def siblings_of(scan: confined.Scan, media: Path) -> dict[str, Path]:
    """The files beside ``media`` whose names start with its base (its thumbnails and subtitles)."""
    base = media.name[: -len(media.suffix)]
    return {p.name: p for p in scan.files if p.parent == media.parent and p.name.startswith(base + ".")}


def read_download_archive(path: Path, root: Path) -> list[tuple[str, str]]:
    """``[(extractor, id)]`` from a yt-dlp ``--download-archive`` file (under ``root``, read through no link)."""
    entries = []
    for line in confined.read_bytes(path, root, MAX_INFO_BYTES).decode("utf-8", "replace").splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            entries.append((parts[0], parts[1]))
    return entries


def find_by_id(scan: confined.Scan, video_id: str) -> Path | None:
    """The media file whose name carries ``[<id>]`` (yt-dlp's default template), or None."""
    for path in sorted(scan.files):
        if f"[{video_id}]." in path.name and path.suffix[1:].lower() in MEDIA_EXTS:
            return path
    return None


def _place(item: Found, source: Path, target: Path, root: Path, copy: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if copy:
            confined.copy_file(source, root, target, item.inodes.get(source))
        else:
            item.inodes[source] = confined.link_file(source, root, target, item.inodes.get(source))
    except confined.Refused as exc:
        raise AdoptError(f"{confined.relative(root, source)}: {exc.reason}") from exc
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            raise AdoptError(f"{source.name} is on another filesystem than the archive: it cannot be hard-linked "
                             "(import with --copy)") from exc
        raise


def link_into(item: Found, temp_dir: Path, root: Path, copy: bool = False) -> str:
    """Put the video's files into ``temp_dir`` under the archive's names; returns the media file's name.

    A thumbnail that is not a JPEG is put in as ``SOURCE_THUMBNAIL.<ext>`` for the caller to convert
    (then remove): nothing outside reads the original by its path.
    """
    media_name = f"{tree.VIDEO_FILE_STEM}.{item.media.suffix[1:].lower()}"
    _place(item, item.media, temp_dir / media_name, root, copy)
    if item.info_file is not None:
        _place(item, item.info_file, tree.info_file(temp_dir), root, copy)
    else:
        tree.info_file(temp_dir).write_text(json.dumps(item.info, ensure_ascii=False), encoding="utf-8")
    if item.thumbnail is not None:
        jpeg = item.thumbnail.suffix.lower() in (".jpg", ".jpeg")
        name = tree.THUMBNAIL_FILE if jpeg else SOURCE_THUMBNAIL + item.thumbnail.suffix.lower()
        _place(item, item.thumbnail, temp_dir / name, root, copy)
    for lang, path in item.subtitles.items():
        _place(item, path, tree.subtitle_file(temp_dir, lang), root, copy)
    return media_name
