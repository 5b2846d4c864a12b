"""Kodi-style NFO files, which Jellyfin, Emby, Plex (with its NFO agent) and Kodi read.

A channel is a show (``{channel}/tvshow.nfo`` beside ``poster.jpg``), each video
an episode (``videos/{video}/video.nfo`` beside ``video.*``, ``thumbnail.jpg``).
Built from the video's own ``video.info.json`` (yt-dlp's), so the same function
serves a fresh download and a backfill of videos archived before. Pure: text in,
text out; the XML is made by the standard library, so any title is escaped, and characters XML 1.0
cannot carry are dropped (archiver.upstream_text).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from archiver import tree
from archiver.upstream_text import xml_text


def _text(parent: ET.Element, tag: str, value) -> None:
    if value not in (None, ""):
        ET.SubElement(parent, tag).text = xml_text(str(value))


def _aired(upload_date) -> str:
    """``20240228`` -> ``2024-02-28``; anything else: empty."""
    text = str(upload_date or "")
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else ""


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(root, encoding="unicode")


def video_nfo(info: dict, season: int | None = None, episode: int | None = None,
              thumb: str | None = tree.THUMBNAIL_FILE) -> str:
    """An ``episodedetails`` document: title, plot, aired date, studio (the channel), runtime, thumb.

    A library view (archiver.library_view) gives the video's ``season`` and ``episode`` (its upload year;
    its day and order that day) and the name of its art beside it. No ``<trailer>``: Kodi plays what it
    holds, and a watch page is not a video."""
    root = ET.Element("episodedetails")
    _text(root, "title", info.get("title") or info.get("id"))
    _text(root, "showtitle", info.get("channel") or info.get("uploader"))
    if season is not None and episode is not None:
        _text(root, "season", season)
        _text(root, "episode", episode)
    _text(root, "plot", info.get("description"))
    aired = _aired(info.get("upload_date"))
    _text(root, "aired", aired)
    _text(root, "premiered", aired)
    _text(root, "year", aired[:4])
    _text(root, "studio", info.get("channel") or info.get("uploader"))
    duration = info.get("duration")
    if isinstance(duration, int | float) and duration > 0:
        _text(root, "runtime", max(1, round(duration / 60)))  # minutes, as Kodi counts
    _text(root, "thumb", thumb)
    unique = ET.SubElement(root, "uniqueid", type=str(info.get("extractor_key") or "site").lower(), default="true")
    unique.text = str(info.get("id") or "")
    return _xml(root)


def show_nfo(channel: dict) -> str:
    """A ``tvshow`` document for a channel: title, plot, studio, its poster and where it came from."""
    root = ET.Element("tvshow")
    _text(root, "title", channel.get("title") or channel.get("id"))
    _text(root, "plot", channel.get("description"))
    _text(root, "studio", channel.get("uploader") or channel.get("title"))
    _text(root, "thumb", tree.POSTER_FILE if channel.get("poster") else "")
    unique = ET.SubElement(root, "uniqueid", type=str(channel.get("extractor") or "site").lower(), default="true")
    unique.text = str(channel.get("site_id") or channel.get("id") or "")
    return _xml(root)
