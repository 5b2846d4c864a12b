"""Which files a view holds for a channel and each of its videos: pure, from facts to relative paths.

``show_files`` and ``episode_files`` map each relative path (``/``-separated, under the view's folder)
to what it is: a ``Link`` to an archive file, or ``Text`` the view writes itself (an episode's ``.nfo``
with its season and episode; the archive's ``video.nfo`` has neither). ``playlist_file`` is a playlist's
``.m3u8``: its entries that are in the view, each path relative to the playlist's own folder.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from archiver import nfo
from archiver.library_view import names
from archiver.library_view import template as template_language
from archiver.library_view.episodes import Code
from archiver.library_view.layouts import Layout


@dataclass(frozen=True)
class Link:
    source: Path  # the archive's file


@dataclass(frozen=True)
class Text:
    content: str


@dataclass(frozen=True)
class Show:
    channel_id: str
    title: str
    show_nfo: Path | None = None
    poster: Path | None = None
    banner: Path | None = None


@dataclass(frozen=True)
class Episode:
    video_id: str
    title: str
    upload_date: str  # YYYYMMDD, or "" when unknown
    media: Path  # the archive's video (or audio) file
    duration: float | None = None
    description: str = ""
    thumbnail: Path | None = None
    subtitles: tuple[tuple[str, Path], ...] = field(default_factory=tuple)  # (language, the .vtt file)
    site: str = "youtube"  # the NFO's uniqueid type: the extractor's name


def show_name(show: Show) -> str:
    channel = names.component(show.title or show.channel_id, names.MAX_CHANNEL_BYTES)
    return names.safe_final(f"{channel} [{show.channel_id}]")


def show_dir(layout: Layout, show: Show) -> str | None:
    """The show's folder (its tvshow.nfo, artwork and playlists), or None for a template without one."""
    if layout.template is None:
        return show_name(show)
    if layout.template.show_folder:
        return template_language.render(layout.template, _values(show, None, None))[0]
    return None


def _values(show: Show, episode: Episode | None, code: Code | None) -> dict[str, str]:
    values = {"channel": show.title or show.channel_id, "channel_id": show.channel_id}
    if episode is not None and code is not None:
        day = code.day
        values.update(id=episode.video_id, title=episode.title or episode.video_id, episode=code.text,
                      year=day[:4], month=day[4:6], day=day[6:],
                      upload_date=f"{day[:4]}-{day[4:6]}-{day[6:]}")
    return values


def episode_stem(layout: Layout, show: Show, episode: Episode, code: Code) -> str:
    """The relative path of the video's file without its extension."""
    if layout.template is not None:
        return "/".join(template_language.render(layout.template, _values(show, episode, code)))
    channel = names.component(show.title or show.channel_id, names.MAX_CHANNEL_BYTES)
    fixed = f"{channel} - {code.text} -  [{episode.video_id}]"
    room = max(1, min(names.MAX_TITLE_BYTES, names.MAX_STEM_BYTES - len(fixed.encode("utf-8"))))
    title = names.component(episode.title or episode.video_id, room)
    stem = names.safe_final(f"{channel} - {code.text} - {title} [{episode.video_id}]")
    return f"{show_name(show)}/Season {code.year}/{stem}"


def episode_nfo(show: Show, episode: Episode, code: Code, thumb_name: str | None) -> str:
    return nfo.video_nfo({"id": episode.video_id, "title": episode.title or episode.video_id,
                          "channel": show.title, "description": episode.description,
                          "upload_date": episode.upload_date, "duration": episode.duration,
                          "extractor_key": episode.site},
                         season=code.season, episode=code.episode, thumb=thumb_name)


def episode_files(layout: Layout, show: Show, episode: Episode, code: Code) -> dict[str, Link | Text]:
    stem = episode_stem(layout, show, episode, code)
    files: dict[str, Link | Text] = {f"{stem}{episode.media.suffix.lower()}": Link(episode.media)}
    thumb_name = None
    if episode.thumbnail is not None:
        thumb = f"{stem}{layout.server.thumb_suffix}"
        files[thumb] = Link(episode.thumbnail)
        thumb_name = posixpath.basename(thumb)
    for lang, path in episode.subtitles:
        files[f"{stem}.{names.component(lang, 30)}.vtt"] = Link(path)
    if layout.server.episode_nfo:
        files[f"{stem}.nfo"] = Text(episode_nfo(show, episode, code, thumb_name))
    return files


def show_files(layout: Layout, show: Show) -> dict[str, Link | Text]:
    folder = show_dir(layout, show)
    if folder is None:
        return {}
    files: dict[str, Link | Text] = {}
    if layout.server.show_nfo and show.show_nfo is not None:
        files[f"{folder}/tvshow.nfo"] = Link(show.show_nfo)
    if show.poster is not None:
        files[f"{folder}/{layout.server.poster}"] = Link(show.poster)
    if show.banner is not None:
        files[f"{folder}/{layout.server.fanart}"] = Link(show.banner)
    return files


def playlist_path(layout: Layout, show: Show, playlist_id: str, title: str) -> str:
    name = names.safe_final(f"{names.component(title or playlist_id, names.MAX_TITLE_BYTES)} [{playlist_id}].m3u8")
    folder = show_dir(layout, show)
    return f"{folder}/{name}" if folder else name


def playlist_file(path: str, entries: list[tuple[str, str, float | None]]) -> str:
    """An extended M3U (UTF-8, so ``.m3u8``) of ``entries`` (title, the media's relative path in the view,
    duration), each path relative to the playlist's folder."""
    folder = posixpath.dirname(path)
    lines = ["#EXTM3U"]
    for title, media, duration in entries:
        seconds = round(duration) if duration and duration > 0 else -1
        lines.append(f"#EXTINF:{seconds},{names.clean(title)}")
        lines.append(posixpath.relpath(media, folder or "."))
    return "\n".join(lines) + "\n"
