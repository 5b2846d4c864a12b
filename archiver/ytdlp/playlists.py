"""A channel's playlists, read through yt-dlp: its playlists tab (ids, titles) and each playlist's entries
in the playlist's own order.

Flat listings (``extract_flat``, as ``archiver.ytdlp.listing`` reads tabs): one request per page of a
playlist, never one per video. Every request goes through the address guard, with the options (egress
identity, cookies, extractor arguments) the caller gives, as a sync's listing does. A playlist is read
up to ``max_entries`` entries (YTARCHIVE_PLAYLIST_MAX_ENTRIES): a mixtape of 50k videos stays bounded.
"""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import yt_dlp
from yt_dlp.utils import DownloadError, ExtractorError

from archiver import netguard
from archiver.errors import UserError
from archiver.ids import is_safe_id
from archiver.vocabulary import FailureKind
from archiver.ytdlp import listing
from archiver.ytdlp.failures import classify, clean
from archiver.ytdlp.params import Logger, Options, listing_params

log = logging.getLogger("archiver.ytdlp")

#: What yt-dlp says when a channel has no playlists tab (YouTube's words, and the fixture site's).
_NO_TAB = "does not have a"
MAX_ID = 64  # a playlist's id becomes a file name (playlists/{id}.json)


class ListingFailed(Exception):
    """A listing that failed (yt-dlp's words, cleaned); ``permanent``: gone for good (a 404), not a hiccup."""

    def __init__(self, reason: str, permanent: bool, blocked: bool = False):
        super().__init__(reason)
        self.permanent, self.blocked = permanent, blocked  # blocked: the site refused us (a bot check, a 429)


def _failed(exc: BaseException) -> ListingFailed:
    kind, reason = classify(exc)
    return ListingFailed(reason, kind is FailureKind.PERMANENT, kind is FailureKind.BLOCKED)


@dataclass(frozen=True)
class PlaylistRef:
    """One playlist as a channel's playlists tab lists it."""

    playlist_id: str  # the site's id, checked path-safe
    title: str
    url: str


@dataclass(frozen=True)
class PlaylistItem:
    position: int  # from 1, in the playlist's order
    video_id: str
    title: str


@dataclass(frozen=True)
class PlaylistListing:
    playlist_id: str
    title: str
    description: str
    url: str
    channel_id: str  # the owner's id on the site ("" when the site does not say)
    entries: tuple[PlaylistItem, ...]
    truncated: bool = False  # more entries than max_entries: the rest were not read


def playlists_tab_url(channel_url: str) -> str | None:
    """The playlists tab of a channel's URL, or None when the URL is not one that has tabs (a playlist, a feed)."""
    parts = urlsplit(channel_url)
    if parts.query or parts.fragment or not parts.path.strip("/"):
        return None
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if last in (*listing.YOUTUBE_TABS, "playlists") or "." in last:
        return None  # already a tab, or a file (a feed)
    return channel_url.rstrip("/") + "/playlists"


def playlist_id_of(url: str) -> str:
    """The ``list=`` id of a playlist URL (YouTube's form), else ""."""
    try:
        values = parse_qs(urlsplit(url).query).get("list") or []
    except ValueError:
        return ""
    return values[0] if values else ""


def valid_playlist_id(raw: str) -> str | None:
    """``raw`` when it can name a file (path-safe, short, not the upload order's name), else None."""
    raw = str(raw or "")
    return raw if len(raw) <= MAX_ID and raw != "uploads" and is_safe_id(raw) else None


def _params(opts: Options) -> dict:
    # No generic extractor: a URL no site extractor knows is no playlist (and costs no request).
    return {**listing_params(opts), "allowed_extractors": ["default", "-generic"], "logger": _QuietLogger()}


class _QuietLogger(Logger):
    """yt-dlp's own lines while listing playlists, at debug: a channel without a playlists tab is no news, and
    a real failure comes back to the caller as ListingFailed, which logs it with its channel."""

    def warning(self, msg):
        log.debug("yt-dlp warning: %s", msg)

    def error(self, msg):
        log.debug("yt-dlp error: %s", msg)


def list_channel_playlists(channel_url: str, opts: Options | None = None) -> list[PlaylistRef] | None:
    """The channel's playlists tab in its order; [] when the channel has none, None when its URL has no tabs.

    Raises ``ListingFailed`` on a failed read (the caller keeps what it had)."""
    url = playlists_tab_url(channel_url)
    if url is None:
        return None
    opts = opts or Options()
    with yt_dlp.YoutubeDL(_params(opts)) as ydl, netguard.guarded():
        try:
            info = listing._extract(ydl, url)
        except (DownloadError, ExtractorError) as exc:
            if _NO_TAB in str(exc) or "Unsupported URL" in str(exc):
                return []
            raise _failed(exc) from exc
        refs, seen = [], set()
        for item in info.get("entries") or []:
            ref = to_ref(item)
            if ref and ref.playlist_id not in seen:
                seen.add(ref.playlist_id)
                refs.append(ref)
        return refs


def to_ref(item) -> PlaylistRef | None:
    """One entry of a playlists tab (a URL result naming a playlist), or None when it is not one."""
    if not isinstance(item, dict):
        return None
    url = str(item.get("url") or item.get("webpage_url") or "")
    raw = valid_playlist_id(str(item.get("id") or playlist_id_of(url)))
    if raw is None or not url:
        return None
    return PlaylistRef(playlist_id=raw, title=str(item.get("title") or raw)[:500], url=url[:2000])


def list_playlist(url: str, max_entries: int, opts: Options | None = None) -> PlaylistListing:
    """A playlist's title, description and first ``max_entries`` entries in order.

    ``UserError`` when the URL is not a playlist yt-dlp can list (the message says why); a failed read
    raises ``ListingFailed``."""
    opts = opts or Options()
    with yt_dlp.YoutubeDL(_params(opts)) as ydl, netguard.guarded():
        try:
            info = listing._extract(ydl, url)
        except (DownloadError, ExtractorError) as exc:
            if "Unsupported URL" in str(exc):
                raise UserError("That URL is not a playlist yt-dlp can list.") from exc
            raise _failed(exc) from exc
        if info.get("_type") != "playlist":
            raise UserError("That URL is a single video, not a playlist.")
        raw = valid_playlist_id(str(info.get("id") or playlist_id_of(url)))
        if raw is None:
            raise UserError("yt-dlp found no usable id for this playlist.")
        items = list(itertools.islice(_items(info.get("entries") or []), max_entries + 1))
    owner = str(info.get("channel_id") or info.get("uploader_id") or "")
    return PlaylistListing(
        playlist_id=raw, title=str(info.get("title") or raw)[:500],
        description=str(info.get("description") or "")[:20000],
        url=str(info.get("webpage_url") or url)[:2000], channel_id=owner[:500],
        entries=tuple(items[:max_entries]), truncated=len(items) > max_entries)


def _items(entries):
    position = 0
    for item in entries:
        if listing._is_nested(item):  # a channel's page lists its tabs, a playlist its videos
            raise UserError("That URL is a channel (it lists tabs), not a playlist.")
        entry = listing._to_entry(item)
        if entry is None:
            continue
        position += 1
        yield PlaylistItem(position=position, video_id=entry.video_id, title=entry.title)


def check_playlist_url(url: str, max_entries: int, opts: Options | None = None) -> PlaylistListing:
    """``list_playlist`` for a URL a person gave: every failure becomes a ``UserError`` (a 400, not a 500)."""
    try:
        return list_playlist(url, max_entries, opts)
    except UserError:
        raise
    except ListingFailed as exc:
        raise UserError(f"yt-dlp cannot list this playlist: {exc}") from exc
    except Exception as exc:  # an extractor's own bug
        log.warning("yt-dlp failed unexpectedly on playlist %s", url, exc_info=True)
        raise UserError(f"yt-dlp cannot list this playlist: {clean(exc)}") from exc
