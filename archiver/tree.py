"""The archive tree, the contract with users (README.md, "The archive tree").

    ARCHIVE_ROOT/{channel-id}/metadata.json
                             /playlists/uploads.json
                             /videos/{video-id}/video.{ext} video.info.json
                                                thumbnail.jpg subtitles/{lang}.vtt
                                                subtitles/{lang}.auto.vtt comments.json
                                                video.nfo checksums.sha256

``subtitles/{lang}.vtt`` are a person's subtitles, ``subtitles/{lang}.auto.vtt`` the site's automatic
captions (YTARCHIVE_AUTO_CAPTIONS), ``comments.json`` the comments read (YTARCHIVE_COMMENTS; its shape:
archiver.comments_file).

This module is the only one that builds paths in it. Every id is checked by
``archiver.ids.require_safe_id`` before it is joined. Nothing appears under a
final name half-written: single files are written to a temporary name, fsynced
and renamed; a video is assembled in a temporary folder beside its final one and
renamed into place in one step. A download's folder is
``videos/.tmp-{video-id}.resume/{holder}`` (``claim_download_dir``): the ``.resume``
folder is the same for every worker, so the partial files of an attempt that was
stopped or killed are found, and resumed, by the next lease holder on any worker;
``{holder}`` is that holder's own name, so a writer that lost its lease can neither
go on in the folder the next one took (it is renamed away) nor publish it. An import
assembles its video in ``videos/.tmp-{video-id}-{random}`` (``make_temp_video_dir``).

Other programs read the archive (a media server running as another user), so
every folder this module makes or publishes is ``DIR_MODE`` (0755) and every
file ``FILE_MODE`` (0644), whatever the umask or ``mkstemp``'s 0600 would give;
``set_modes`` (from YTARCHIVE_DIR_MODE / YTARCHIVE_FILE_MODE) changes both.
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from archiver.ids import require_safe_id

TEMP_PREFIX = ".tmp-"
RESUME_SUFFIX = ".resume"  # a download's folder, kept across attempts (an id never holds a dot)
VIDEO_FILE_STEM = "video"
INFO_FILE = "video.info.json"
THUMBNAIL_FILE = "thumbnail.jpg"
SUBTITLES_DIR = "subtitles"
NFO_FILE = "video.nfo"
SHOW_NFO_FILE = "tvshow.nfo"
POSTER_FILE = "poster.jpg"
BANNER_FILE = "banner.jpg"  # the channel's wide banner, when the site has one (the library's artwork)
COMMENTS_FILE = "comments.json"  # archiver.comments_file says its shape
AUTO_SUFFIX = ".auto"  # subtitles/{lang}.auto.vtt: the site's automatic captions
CHECKSUMS_FILE = "checksums.sha256"  # sha256sum's own format (archiver.fixity)
# An archived copy set aside for a new download, beside the video's folder until the new one verifies
# (channels_app.fixity_checks): ``videos/.kept-{video-id}-{stamp}``.
KEPT_PREFIX = ".kept-"
# ytarchive's own files beside the channels (yt-dlp's cache, installed yt-dlp versions): on the storage
# every worker shares, never a channel and never archive content. No channel can take the name: an id
# never starts with a dot (archiver.ids).
APP_DIR = ".ytarchive"
YTDLP_CACHE_DIR = "yt-dlp-cache"  # under APP_DIR: yt-dlp's player JS and signatures
YTDLP_VERSIONS_DIR = "yt-dlp"  # under APP_DIR: the yt-dlp versions updates installed (archiver.ytdlp.versions)
PODCAST_ART_DIR = "podcast-art"  # under APP_DIR: each channel's square podcast artwork (archiver.podcast_art)
_modes = {"file": 0o644, "dir": 0o755}


def set_modes(file_mode: int, dir_mode: int) -> None:
    """The permissions of the archive's files and folders (settings: YTARCHIVE_FILE_MODE, _DIR_MODE)."""
    _modes.update(file=file_mode, dir=dir_mode)


def modes() -> tuple[int, int]:
    return _modes["file"], _modes["dir"]


def _make_dirs(path: Path) -> None:
    """``mkdir -p`` with every folder it creates at the archive's folder mode."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        os.chmod(folder, _modes["dir"])


def apply_modes(path: Path, linked_too: bool = True) -> None:
    """Set the archive's modes on ``path`` and everything under it (a finished video folder).

    ``linked_too=False`` leaves files with other hard links alone: an adopted file
    shares its inode (and so its mode) with the original, which is not ours to change.
    """
    os.chmod(path, _modes["dir"])
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), _modes["dir"])
        for name in filenames:
            full = os.path.join(dirpath, name)
            if linked_too or os.stat(full).st_nlink == 1:
                os.chmod(full, _modes["file"])


def channel_dir(root: Path, channel_id: str) -> Path:
    return Path(root) / require_safe_id(channel_id)


def videos_dir(root: Path, channel_id: str) -> Path:
    return channel_dir(root, channel_id) / "videos"


def make_videos_dir(root: Path, channel_id: str) -> Path:
    """The channel's videos/ folder, made by its sync (not by its first download), so the sync's measure of the
    channel's own files (``channel_own_disk_usage``) counts it once and the storage total agrees with du."""
    folder = videos_dir(root, channel_id)
    _make_dirs(folder)
    return folder


def video_dir(root: Path, channel_id: str, video_id: str) -> Path:
    return videos_dir(root, channel_id) / require_safe_id(video_id)


# A video folder's own files, whether the folder is final or still being assembled (a temp folder).

def info_file(folder: Path) -> Path:
    return Path(folder) / INFO_FILE


def thumbnail_file(folder: Path) -> Path:
    return Path(folder) / THUMBNAIL_FILE


def nfo_file(folder: Path) -> Path:
    return Path(folder) / NFO_FILE


def checksums_file(folder: Path) -> Path:
    return Path(folder) / CHECKSUMS_FILE


def subtitles_dir(folder: Path) -> Path:
    return Path(folder) / SUBTITLES_DIR


def subtitle_file(folder: Path, lang: str) -> Path:
    return subtitles_dir(folder) / f"{lang}.vtt"


def auto_subtitle_file(folder: Path, lang: str) -> Path:
    """The site's automatic captions in ``lang`` (``subtitle_file(folder, lang + AUTO_SUFFIX)`` alike)."""
    return subtitles_dir(folder) / f"{lang}{AUTO_SUFFIX}.vtt"


def subtitle_track(name: str) -> tuple[str, bool]:
    """A subtitle file's stem (``de``, ``de.auto``) -> (its language, whether it is automatic captions)."""
    return (name[:-len(AUTO_SUFFIX)], True) if name.endswith(AUTO_SUFFIX) else (name, False)


def comments_file(folder: Path) -> Path:
    return Path(folder) / COMMENTS_FILE


def folder_file(folder: Path, name: str) -> Path:
    """A file of a video's folder by its name in it: its media (``video.mkv``, as the download recorded
    it) or a served name (``subtitles/en.vtt``, checked by the caller)."""
    return Path(folder) / name


def kept_copy_dir(root: Path, channel_id: str, video_id: str, at: datetime) -> Path:
    """Where an archived copy is set aside, at ``at``, while the video downloads again."""
    return videos_dir(root, channel_id) / f"{KEPT_PREFIX}{require_safe_id(video_id)}-{at:%Y%m%dT%H%M%S}"


def kept_copies(root: Path, channel_id: str, video_id: str) -> list[Path]:
    """The copies of a video set aside, oldest first."""
    parent = videos_dir(root, channel_id)
    return sorted(parent.glob(f"{KEPT_PREFIX}{require_safe_id(video_id)}-*")) if parent.is_dir() else []


def is_archived(root: Path, channel_id: str, video_id: str) -> bool:
    """A video is archived when its final folder exists: it only ever appears complete."""
    return video_dir(root, channel_id, video_id).is_dir()


def make_temp_video_dir(root: Path, channel_id: str, video_id: str) -> Path:
    """A fresh private folder beside the final one (same filesystem, so rename is atomic)."""
    parent = videos_dir(root, channel_id)
    _make_dirs(parent)
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{require_safe_id(video_id)}-", dir=parent))


def resume_dir(root: Path, channel_id: str, video_id: str) -> Path:
    """Where a video's download works and leaves its partial files (the same for every worker)."""
    return videos_dir(root, channel_id) / f"{TEMP_PREFIX}{require_safe_id(video_id)}{RESUME_SUFFIX}"


def claim_download_dir(root: Path, channel_id: str, video_id: str, holder: str) -> tuple[Path, int]:
    """The lease holder ``holder``'s folder for the video, and the bytes it already holds.

    Call it holding the video's lock: the best partial an earlier attempt left (the most bytes: a
    handed-back, killed or deadline-stopped download's) is renamed to ``holder``'s name and resumed;
    any other leftover goes. Without one, a new private folder (0700 until published).
    """
    base = resume_dir(root, channel_id, video_id)
    _make_dirs(base.parent)
    try:
        base.mkdir(mode=0o700)
    except FileExistsError:
        pass
    mine = base / require_safe_id(holder)
    left = sorted((entry for entry in base.iterdir() if entry.is_dir() and entry != mine), key=dir_size,
                  reverse=True)
    if left and not mine.exists():
        os.rename(left.pop(0), mine)
    for stale in left:
        shutil.rmtree(stale, ignore_errors=True)
    if not mine.exists():
        mine.mkdir(mode=0o700)
    return mine, dir_size(mine)


def drop_download_dir(root: Path, channel_id: str, video_id: str) -> None:
    """Forget the video's partial files (published, failed for good, or no longer wanted)."""
    shutil.rmtree(resume_dir(root, channel_id, video_id), ignore_errors=True)


def fsync_tree(path: Path) -> None:
    """Flush every file and folder under ``path`` to disk, so a rename publishes durable data."""
    for dirpath, _dirnames, filenames in os.walk(path):
        for name in filenames:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_video_dir(temp_dir: Path, final_dir: Path, linked_too: bool = True) -> bool:
    """Rename the finished temp folder to its final name in one step.

    Returns False (and removes the temp folder) when the final folder already
    exists: another worker finished first, and its copy is left untouched.
    """
    apply_modes(temp_dir, linked_too)  # mkdtemp made it 0700: readable by others only once published
    fsync_tree(temp_dir)
    try:
        os.rename(temp_dir, final_dir)
    except OSError:
        if final_dir.is_dir():
            shutil.rmtree(temp_dir, ignore_errors=True)
            return False
        raise
    fsync_dir(final_dir.parent)
    return True


def write_json_atomic(path: Path, data) -> None:
    """Write JSON to ``path`` through a temp file, fsync and rename: never a torn file."""
    write_lines_atomic(path, [json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)])


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """``data`` into ``path`` through a temp file, fsync and rename (an image, say)."""
    _write_atomic(path, [data], "wb")


def write_lines_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Stream text chunks into ``path`` atomically (big listings never sit in memory)."""
    _write_atomic(path, itertools.chain(chunks, ["\n"]), "w")


def _write_atomic(path: Path, chunks: Iterable, mode: str) -> None:
    _make_dirs(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _modes["file"])  # mkstemp's 0600 would hide it from a media server
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def channel_metadata_path(root: Path, channel_id: str) -> Path:
    return channel_dir(root, channel_id) / "metadata.json"


def show_nfo_path(root: Path, channel_id: str) -> Path:
    return channel_dir(root, channel_id) / SHOW_NFO_FILE


def poster_path(root: Path, channel_id: str) -> Path:
    return channel_dir(root, channel_id) / POSTER_FILE


def banner_path(root: Path, channel_id: str) -> Path:
    return channel_dir(root, channel_id) / BANNER_FILE


def uploads_playlist_path(root: Path, channel_id: str) -> Path:
    return channel_dir(root, channel_id) / "playlists" / "uploads.json"


def playlist_path(root: Path, channel_id: str, playlist_id: str) -> Path:
    """One of the channel's own playlists, as archived: ``playlists/{playlist_id}.json`` (a safe id;
    ``uploads`` is the channel's upload order, never a playlist of this kind)."""
    if playlist_id == "uploads":
        raise ValueError("'uploads' is the channel's upload order, not a playlist id")
    return channel_dir(root, channel_id) / "playlists" / f"{require_safe_id(playlist_id)}.json"


# Where this module ever puts a temporary name: a channel folder (metadata.json),
# its playlists/ and its videos/ (a video's temp folder, which holds yt-dlp's partials).
TEMP_GLOBS = (f"*/{TEMP_PREFIX}*", f"*/playlists/{TEMP_PREFIX}*", f"*/videos/{TEMP_PREFIX}*")


def app_dir(root: Path, folder: str = "") -> Path:
    """ytarchive's own folder in the archive, or one of its folders (``YTDLP_CACHE_DIR``, ``YTDLP_VERSIONS_DIR``)."""
    return Path(root) / APP_DIR / folder if folder else Path(root) / APP_DIR


def podcast_art_path(root: Path, channel_id: str) -> Path:
    """A channel's podcast artwork, made from its poster (archiver.podcast_art): ytarchive's own file."""
    return app_dir(root, PODCAST_ART_DIR) / f"{require_safe_id(channel_id)}.jpg"


def channel_entries(root: Path) -> list[Path]:
    """What ``root`` holds that belongs to the archive: everything but ytarchive's own folder."""
    root = Path(root)
    return sorted(entry for entry in root.iterdir() if entry.name != APP_DIR) if root.is_dir() else []


def find_temp_paths(root: Path) -> list[Path]:
    """Every temporary name this module can have left, found by three globs.

    Cheap on a big archive (one listing per channel folder and its videos/,
    not a stat of every file), which matters on NFS with 100k videos.
    """
    root = Path(root)
    # A folder whose name starts with a dot is never a channel (ids cannot): the app's own, such as .ytarchive.
    return sorted(path for pattern in TEMP_GLOBS for path in root.glob(pattern)
                  if not path.relative_to(root).parts[0].startswith("."))


def find_partial_files(root: Path) -> list[Path]:
    """Everything under ``root`` that is not a finished file: temp folders and yt-dlp partials.

    Walks the whole tree: for tests and audits, not for periodic housekeeping.
    """
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == Path(root) and APP_DIR in dirnames:
            dirnames.remove(APP_DIR)
        for name in dirnames + filenames:
            if name.startswith(TEMP_PREFIX) or name.endswith((".part", ".ytdl", ".temp")):
                found.append(Path(dirpath) / name)
    return found


def temp_dir_owner(path: Path) -> tuple[str, str] | None:
    """``(channel id, video id)`` of a video's download folder ``videos/.tmp-{video}.resume`` or of an
    import's ``videos/.tmp-{video}-{random}``."""
    if path.parent.name != "videos" or not path.name.startswith(TEMP_PREFIX):
        return None
    name = path.name[len(TEMP_PREFIX):]
    video_id = name[:-len(RESUME_SUFFIX)] if name.endswith(RESUME_SUFFIX) else name.rsplit("-", 1)[0]
    return path.parent.parent.name, video_id


def is_resume_dir(path: Path) -> bool:
    return path.name.startswith(TEMP_PREFIX) and path.name.endswith(RESUME_SUFFIX)


def newest_mtime(path: Path) -> float:
    """The last time anything under ``path`` was written (a partial grows inside its folder)."""
    newest = 0.0
    for dirpath, _dirnames, filenames in os.walk(path):
        for name in (".", *filenames):
            try:
                newest = max(newest, os.stat(os.path.join(dirpath, name)).st_mtime)
            except OSError:  # gone meanwhile
                continue
    return newest


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _allocated(path: Path) -> int:
    try:
        return os.lstat(path).st_blocks * 512
    except OSError:  # gone meanwhile
        return 0


def disk_usage(path: Path) -> int:
    """Bytes ``path`` and everything under it take on disk, as ``du -s -B1`` counts them.

    The storage gauge adds these up as videos land, so it agrees with ``du`` on
    small files too (a 200-byte subtitle takes a 4 KiB block).
    """
    path = Path(path)
    if not path.exists():
        return 0
    total = _allocated(path)
    for dirpath, dirnames, filenames in os.walk(path):
        total += sum(_allocated(Path(dirpath, name)) for name in (*dirnames, *filenames))
    return total


def own_disk_usage(path: Path) -> int:
    """Bytes the folder ``path`` itself takes (its entries not included): the archive root's share of ``du``."""
    return _allocated(Path(path))


def channel_own_disk_usage(root: Path, channel_id: str) -> int:
    """Bytes of a channel's own files: its folder, metadata.json, playlists/, and the ``videos`` folder itself.

    The videos inside are counted as each one lands; this is the rest, rewritten by every sync.
    """
    base = channel_dir(root, channel_id)
    if not base.is_dir():
        return 0
    total = _allocated(base)
    for entry in base.iterdir():
        total += _allocated(entry) if entry.name == "videos" else disk_usage(entry)
    return total
