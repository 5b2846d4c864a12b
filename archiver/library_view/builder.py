"""Places a channel's files in a view and remembers which ones it made.

Each view folder (``LIBRARY_ROOT/{layout}/``) keeps, per channel, a manifest in its hidden
``.ytarchive/`` folder: the episode code each video was given (so numbers never move), every path the
view made for the channel, and its playlists. Only paths in the manifest are ever replaced or removed:
a file someone else put in the view is left alone (and logged), and an update takes the channel's lock
(``flock``), so two processes updating one channel at once cannot lose each other's work.

A link appears under a temporary name first and is renamed into place (``os.replace``), so a media
server never sees half a change; a hard link that already points at the archive's file (same inode) is
left as it is, and one that points at an older copy (a re-download) is replaced.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from archiver import tree
from archiver.library_view import episodes as episode_codes
from archiver.library_view import plan
from archiver.library_view.layouts import Layout

log = logging.getLogger(__name__)

STATE_DIR = ".ytarchive"  # hidden: every media server skips folders whose name starts with a dot
LINK_MODES = ("hard", "symlink")


class LibraryError(Exception):
    """A view cannot be written as configured (the message says what to change)."""


@dataclass
class Manifest:
    channel_id: str
    show: list[str]
    videos: dict[str, dict]  # video id -> {"code", "files", "media", "title", "duration"}
    playlists: dict[str, str]  # playlist id -> its .m3u8's path

    def owned(self) -> set[str]:
        paths = set(self.show) | set(self.playlists.values())
        for video in self.videos.values():
            paths.update(video["files"])
        return paths

    def as_json(self) -> dict:
        return {"channel_id": self.channel_id, "show": sorted(self.show), "videos": self.videos,
                "playlists": self.playlists}


@dataclass(frozen=True)
class Changes:
    linked: int = 0
    written: int = 0
    removed: int = 0
    skipped: int = 0  # paths someone else holds


class View:
    """One layout's folder under the library root, for one channel at a time."""

    def __init__(self, library_root: Path, layout: Layout, links: str = "hard"):
        if links not in LINK_MODES:
            raise LibraryError(f"YTARCHIVE_LIBRARY_LINKS={links!r}: choose hard or symlink")
        self.layout, self.links = layout, links
        self.base = Path(library_root) / layout.folder
        self._counts = {"linked": 0, "written": 0, "removed": 0, "skipped": 0}

    # -- the manifest -------------------------------------------------------------------------------------

    def _state(self, channel_id: str, suffix: str) -> Path:
        return self.base / STATE_DIR / f"{tree.require_safe_id(channel_id)}{suffix}"

    def channels(self) -> list[str]:
        """The channels the view holds something for."""
        folder = self.base / STATE_DIR
        return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []

    def has_channel(self, channel_id: str) -> bool:
        return self._state(channel_id, ".json").is_file()

    def _load(self, channel_id: str) -> Manifest:
        try:
            data = json.loads(self._state(channel_id, ".json").read_text(encoding="utf-8"))
            return Manifest(channel_id, list(data.get("show") or []), dict(data.get("videos") or {}),
                            dict(data.get("playlists") or {}))
        except (OSError, ValueError, AttributeError, TypeError):
            return Manifest(channel_id, [], {}, {})

    def _save(self, manifest: Manifest) -> None:
        path = self._state(manifest.channel_id, ".json")
        if not manifest.owned():
            path.unlink(missing_ok=True)
            return
        tree.write_json_atomic(path, manifest.as_json())

    @contextlib.contextmanager
    def _locked(self, channel_id: str):
        lock = self._state(channel_id, ".lock")
        _make_dirs(lock.parent, self.base.parent)
        with open(lock, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield self._load(channel_id)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- what callers do ----------------------------------------------------------------------------------

    def update(self, show: plan.Show, upserts: list[plan.Episode], removed: list[str] = (),
               playlists: list | None = None, full: bool = False) -> Changes:
        """Bring the channel's part of the view up to date: ``upserts`` placed (linked, renamed, relinked),
        ``removed`` videos' files gone, the show's files, and (when ``playlists`` is given, a list of
        archiver.playlist_file.PlaylistFile) every playlist rewritten. ``full``: ``upserts`` is every video
        the channel has in the archive, anything else the view holds for it goes."""
        self._counts = dict.fromkeys(self._counts, 0)
        with self._locked(show.channel_id) as manifest:
            owned = manifest.owned()
            gone = set(removed) | ({v for v in manifest.videos if v not in {e.video_id for e in upserts}}
                                   if full else set())
            for video_id in gone:
                self._unlink_all(manifest.videos.pop(video_id, {}).get("files", []), owned)
            kept = {v: m["code"] for v, m in manifest.videos.items()}
            codes = episode_codes.assign(kept, {e.video_id: e.upload_date for e in upserts})
            for episode in upserts:
                self._place_episode(manifest, show, episode, codes[episode.video_id], owned)
            wanted = plan.show_files(self.layout, show) if manifest.videos else {}
            self._place_all(wanted, owned)
            self._unlink_all([p for p in manifest.show if p not in wanted], owned)
            manifest.show = sorted(wanted)
            if playlists is not None or gone or upserts:
                self._write_playlists(manifest, show, playlists, owned)
            self._save(manifest)
        return Changes(**self._counts)

    def drop(self, channel_id: str) -> Changes:
        """Everything the view holds for the channel goes (the channel left the catalog, or its layout changed)."""
        self._counts = dict.fromkeys(self._counts, 0)
        if not self.has_channel(channel_id):
            return Changes()
        with self._locked(channel_id) as manifest:
            owned = manifest.owned()
            self._unlink_all(sorted(owned), owned)
            self._save(Manifest(channel_id, [], {}, {}))
        return Changes(**self._counts)  # the lock file stays: another process may be waiting on it

    def media_path(self, channel_id: str, video_id: str) -> Path | None:
        """Where the view shows a video's file (for tests and for the playlists); None when it does not."""
        entry = self._load(channel_id).videos.get(video_id)
        return self.base / entry["media"] if entry else None

    # -- placing and removing -----------------------------------------------------------------------------

    def _place_episode(self, manifest: Manifest, show: plan.Show, episode: plan.Episode,
                       code: episode_codes.Code, owned: set[str]) -> None:
        wanted = plan.episode_files(self.layout, show, episode, code)
        before = manifest.videos.get(episode.video_id, {}).get("files", [])
        placed = self._place_all(wanted, owned)
        self._unlink_all([p for p in before if p not in wanted], owned)
        media = next(path for path, what in wanted.items() if isinstance(what, plan.Link)
                     and what.source == episode.media)
        manifest.videos[episode.video_id] = {"code": code.text, "files": sorted(placed), "media": media,
                                             "title": episode.title, "duration": episode.duration}
        owned.update(placed)

    def _place_all(self, wanted: dict, owned: set[str]) -> list[str]:
        placed = []
        for rel, what in wanted.items():
            target = self.base / rel
            if (target.exists() or target.is_symlink()) and rel not in owned:
                log.warning("library view %s: %s is not ours, left as it is", self.base, target)
                self._counts["skipped"] += 1
                continue
            _make_dirs(target.parent, self.base)
            if isinstance(what, plan.Link):
                if self._link(what.source, target):
                    self._counts["linked"] += 1
            elif self._write(target, what.content):
                self._counts["written"] += 1
            placed.append(rel)
        return placed

    def _link(self, source: Path, target: Path) -> bool:
        """``target`` a link to ``source``; False when it already was."""
        if self.links == "hard":
            with contextlib.suppress(OSError):
                if not target.is_symlink() and os.path.samefile(source, target):
                    return False
        else:
            with contextlib.suppress(OSError):
                if os.readlink(target) == str(source):
                    return False
        temp = target.parent / f"{tree.TEMP_PREFIX}link-{secrets.token_hex(6)}"
        try:
            if self.links == "hard":
                os.link(source, temp)
            else:
                os.symlink(source, temp)
        except OSError as exc:
            if exc.errno == errno.EXDEV:
                raise LibraryError(
                    f"cannot hard-link {source} into {target.parent}: YTARCHIVE_LIBRARY_ROOT ({self.base.parent}) "
                    "is on another filesystem than the archive. Put the library on the archive's filesystem "
                    "(a folder of the same volume), or set YTARCHIVE_LIBRARY_LINKS=symlink") from exc
            raise
        try:
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return True

    @staticmethod
    def _write(target: Path, content: str) -> bool:
        data = content.encode("utf-8")
        with contextlib.suppress(OSError):
            if not target.is_symlink() and target.read_bytes() == data:
                return False
        tree.write_bytes_atomic(target, data)
        return True

    def _unlink_all(self, paths, owned: set[str]) -> None:
        for rel in paths:
            if rel not in owned:
                continue
            target = self.base / rel
            if target.is_symlink() or target.is_file():
                target.unlink()
                self._counts["removed"] += 1
            owned.discard(rel)
            self._prune(target.parent)

    def _prune(self, folder: Path) -> None:
        """Remove folders left empty, up to (not including) the view's own."""
        while folder != self.base and self.base in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty (or someone else's): stop
                return
            folder = folder.parent

    def _write_playlists(self, manifest: Manifest, show: plan.Show, playlists, owned: set[str]) -> None:
        if playlists is None:
            return
        wanted: dict[str, str] = {}
        files: dict[str, plan.Text] = {}
        for playlist in playlists:
            rel = plan.playlist_path(self.layout, show, playlist.id, playlist.title)
            entries = [(manifest.videos[e.video_id]["title"] or e.title, manifest.videos[e.video_id]["media"],
                        manifest.videos[e.video_id]["duration"])
                       for e in playlist.entries if e.video_id in manifest.videos]
            if not entries:
                continue
            wanted[playlist.id] = rel
            files[rel] = plan.Text(plan.playlist_file(rel, entries))
        placed = set(self._place_all(files, owned))
        self._unlink_all([p for p in manifest.playlists.values() if p not in files], owned)
        manifest.playlists = {pid: rel for pid, rel in wanted.items() if rel in placed}
        owned.update(placed)


def _make_dirs(folder: Path, top: Path) -> None:
    """``mkdir -p`` below ``top`` with the archive's folder mode (a media server runs as another user)."""
    missing = []
    while not folder.exists() and folder != top.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir()
            os.chmod(path, tree.modes()[1])
