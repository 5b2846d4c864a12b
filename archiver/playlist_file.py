"""One archived playlist as a file: ``playlists/{playlist_id}.json`` in its channel's folder.

The file is the archive's record of a playlist (its title and its order), written by the catalog when a
channel's playlists are listed and read by whatever derives something from it (a media-server view's
``.m3u8``, the web app's playlist page). One module owns the format, so writer and readers agree:

    {"id": "PL…", "title": "…", "description": "…", "url": "…", "channel_id": "…",
     "updated_at": "2026-12-02T06:00:00+00:00",
     "entries": [{"position": 1, "video_id": "…", "title": "…"}, …]}

``entries`` are in the playlist's own order (``position`` from 1); a video that is not (or not yet) in
the archive stays listed, so the order survives; readers skip what they cannot find.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from archiver import tree


@dataclass(frozen=True)
class Entry:
    position: int
    video_id: str
    title: str = ""


@dataclass(frozen=True)
class PlaylistFile:
    id: str
    title: str
    channel_id: str
    url: str = ""
    description: str = ""
    updated_at: str = ""
    entries: tuple[Entry, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "description": self.description, "url": self.url,
                "channel_id": self.channel_id, "updated_at": self.updated_at,
                "entries": [{"position": e.position, "video_id": e.video_id, "title": e.title}
                            for e in self.entries]}


def write(root: Path, playlist: PlaylistFile) -> Path:
    """Write ``playlist`` under its channel (atomically: a reader never sees half a file)."""
    path = tree.playlist_path(root, playlist.channel_id, playlist.id)
    tree.write_json_atomic(path, playlist.as_json())
    return path


def read(path: Path) -> PlaylistFile | None:
    """The playlist in ``path``; None when the file is missing or not one of ours (never raises on data)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(Entry(int(e["position"]), str(e["video_id"]), str(e.get("title") or ""))
                        for e in data.get("entries") or [])
        return PlaylistFile(id=str(data["id"]), title=str(data.get("title") or data["id"]),
                            channel_id=str(data["channel_id"]), url=str(data.get("url") or ""),
                            description=str(data.get("description") or ""),
                            updated_at=str(data.get("updated_at") or ""), entries=entries)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def read_all(root: Path, channel_id: str) -> list[PlaylistFile]:
    """Every playlist archived for the channel (``uploads.json``, the upload order, is not one), by title."""
    folder = tree.channel_dir(root, channel_id) / "playlists"
    found = [read(path) for path in sorted(folder.glob("*.json")) if path.name != "uploads.json"]
    return sorted((p for p in found if p is not None), key=lambda p: (p.title.casefold(), p.id))
