"""What a pasted URL is, and a channel's entries, streamed tab by tab.

* ``probe``: what a pasted URL is (a channel or playlist, its stable id).
* ``iter_tabs``: stream a channel's entries tab by tab, page by page, without
  holding the listing in memory (``process=False`` keeps yt-dlp's entries lazy).
"""
from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import yt_dlp
from yt_dlp.utils import DownloadError, ExtractorError, unsmuggle_url

from archiver import netguard
from archiver.errors import UserError
from archiver.ids import channel_key, safe_id
from archiver.ytdlp.failures import clean
from archiver.ytdlp.params import Options, listing_params

log = logging.getLogger("archiver.ytdlp")

YOUTUBE_TABS = ("videos", "shorts", "streams")
_NESTED_IE = re.compile(r"(Tab|Playlist|Channel|User|Feed)$")
_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class ChannelProbe:
    key: str  # the project's channel id (safe for paths)
    raw_id: str
    extractor: str
    url: str
    title: str
    description: str = ""
    uploader: str = ""
    thumbnail: str = ""  # the avatar
    banner: str = ""  # the wide banner, when the site lists one


@dataclass(frozen=True)
class Entry:
    """One video as a listing sees it."""

    video_id: str  # path-safe
    raw_id: str
    url: str
    title: str
    duration: float | None = None
    upload_date: str | None = None
    view_count: int | None = None
    description: str = ""  # what the listing says (a feed's item does); kept when the video is first listed


def _guarded_iter(items) -> Iterator:
    """``items`` advanced inside the guard, handed to the caller outside it (its database, its Redis)."""
    items = iter(items)
    while True:
        with netguard.guarded():
            try:
                item = next(items)
            except StopIteration:
                return
        yield item


def _extract(ydl, url: str, ie_key: str | None = None) -> dict:
    """Extract without processing (entries stay lazy), following URL redirect results."""
    info = ydl.extract_info(url, download=False, process=False, ie_key=ie_key)
    for _ in range(_MAX_REDIRECTS):
        if info.get("_type") not in ("url", "url_transparent"):
            return info
        info = ydl.extract_info(info["url"], download=False, process=False, ie_key=info.get("ie_key"))
    raise UserError("The URL redirects too many times.")


def probe(url: str, opts: Options | None = None) -> ChannelProbe:
    """What the URL is: a channel or playlist with a stable id, or UserError saying why not."""
    opts = opts or Options()
    with yt_dlp.YoutubeDL(listing_params(opts)) as ydl, netguard.guarded():
        try:
            info = _extract(ydl, url)
        except (DownloadError, ExtractorError) as exc:
            raise UserError(f"yt-dlp cannot list this URL: {clean(exc)}") from exc
        except UserError:
            raise
        except Exception as exc:  # an extractor's own bug: still the user's answer is a 400, not a 500
            log.warning("yt-dlp failed unexpectedly on %s", url, exc_info=True)
            raise UserError(f"yt-dlp cannot list this URL: {clean(exc)}") from exc
    if info.get("_type") != "playlist":
        raise UserError("That URL is a single video, not a channel or playlist.")
    raw_id = str(info.get("channel_id") or info.get("id") or "")
    if not raw_id:
        raise UserError("yt-dlp found no id for this channel or playlist.")
    extractor = str(info.get("extractor_key") or info.get("ie_key") or "site")
    if extractor.startswith("Youtube") and info.get("channel_id") and info.get("id") != info.get("channel_id"):
        # A YouTube playlist: keep the playlist's own id, not its owner's.
        if not str(info.get("id", "")).startswith("UC"):
            raw_id = str(info["id"])
    thumbs = info.get("thumbnails") or []
    return ChannelProbe(
        key=channel_key(extractor if not extractor.startswith("Youtube") else "youtube", raw_id),
        raw_id=raw_id,
        extractor=extractor,
        url=_canonical_listing_url(info, raw_id, url),
        title=str(info.get("channel") or info.get("title") or raw_id)[:500],
        description=str(info.get("description") or "")[:20000],
        uploader=str(info.get("uploader") or info.get("channel") or "")[:500],
        thumbnail=avatar_url(thumbs),
        banner=banner_url(thumbs),
    )


def _usable(thumbs) -> list[dict]:
    return [t for t in thumbs if isinstance(t, dict) and t.get("url")]


def _named_banner(thumb: dict) -> bool:
    return "banner" in str(thumb.get("id") or "").lower()


def _is_wide(thumb: dict) -> bool:
    """A banner's shape: known sizes, clearly wider than tall (an avatar is square)."""
    width, height = thumb.get("width"), thumb.get("height")
    return isinstance(width, int) and isinstance(height, int) and height > 0 and width > 1.5 * height


def _width(thumb: dict) -> int:
    return thumb["width"] if isinstance(thumb.get("width"), int) else 0


def avatar_url(thumbs: list[dict]) -> str:
    """The channel's avatar among yt-dlp's ``thumbnails``: YouTube's ``avatar_uncropped``, else the last one
    neither named nor shaped a banner (YouTube lists its banners after the avatars), else the last not named one
    (a playlist's thumbnails are its videos')."""
    thumbs = _usable(thumbs)
    for thumb in thumbs:
        if thumb.get("id") == "avatar_uncropped":
            return str(thumb["url"])
    others = [t for t in thumbs if not _named_banner(t)]
    squarish = [t for t in others if not _is_wide(t)]
    return str((squarish or others)[-1]["url"]) if others else ""


def banner_url(thumbs: list[dict]) -> str:
    """The channel's banner among yt-dlp's ``thumbnails``: YouTube's ``banner_uncropped``, else the widest
    named a banner, else the widest shaped like one beside a square avatar (a list of only wide ones is a
    playlist's video thumbnails, no banner); empty when the site lists none."""
    thumbs = _usable(thumbs)
    for thumb in thumbs:
        if thumb.get("id") == "banner_uncropped":
            return str(thumb["url"])
    wide = [t for t in thumbs if _is_wide(t)]
    banners = [t for t in thumbs if _named_banner(t)] or (wide if len(wide) < len(thumbs) else [])
    return str(max(banners, key=_width)["url"]) if banners else ""


def _canonical_listing_url(info: dict, raw_id: str, given: str) -> str:
    """The channel's own URL when the listing is a channel (a handle becomes /channel/ID)."""
    if info.get("channel_url") and raw_id == info.get("channel_id"):
        return str(info["channel_url"])
    return given


def _is_youtube_channel(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.strip("/").split("/")
    return parts.hostname == "www.youtube.com" and (
        path[0] in {"channel", "c", "user"} or path[0].startswith("@")
    )


def iter_tabs(url: str, opts: Options | None = None) -> Iterator[tuple[str, Iterator[Entry]]]:
    """Yield ``(tab name, lazy entries)`` for every tab of a channel (or one, for a playlist).

    Entries are fetched page by page as the caller iterates; a caller that stops
    early (an incremental sync reaching a known video) fetches no more pages.
    """
    for tab, entries in _guarded_iter(_iter_tabs(url, opts)):
        yield tab, _guarded_iter(entries)


def _iter_tabs(url: str, opts: Options | None) -> Iterator[tuple[str, Iterator[Entry]]]:
    opts = opts or Options()
    with yt_dlp.YoutubeDL(listing_params(opts)) as ydl:
        if _is_youtube_channel(url):
            for tab in YOUTUBE_TABS:
                try:
                    info = _extract(ydl, f"{url}/{tab}")
                except (DownloadError, ExtractorError) as exc:
                    if "does not have a" in str(exc):
                        continue  # e.g. no shorts tab on this channel
                    raise
                yield tab, _entries(ydl, info.get("entries") or [])
            return
        info = _extract(ydl, url)
        if info.get("_type") != "playlist":
            raise UserError("That URL is a single video, not a channel or playlist.")
        items = iter(info.get("entries") or [])
        first = next(items, None)
        if first is None:
            return
        if not _is_nested(first):
            # A flat playlist of videos (a playlist, a feed, a site without tabs).
            yield "uploads", _entries(ydl, itertools.chain([first], items))
            return
        # A channel page that lists its tabs, as YouTube's does.
        for item in itertools.chain([first], items):
            if _is_nested(item):
                sub = _resolve_nested(ydl, item)
                yield _tab_name(item, sub), _entries(ydl, sub.get("entries") or [])


def _resolve_nested(ydl, item: dict) -> dict:
    if item.get("_type") == "playlist":
        return item
    return _extract(ydl, item["url"], item.get("ie_key"))


def _is_nested(item: dict) -> bool:
    if not isinstance(item, dict):
        return False
    if item.get("_type") == "playlist":
        return True
    return item.get("_type") in ("url", "url_transparent") and bool(
        _NESTED_IE.search(str(item.get("ie_key") or ""))
    )


def _tab_name(item: dict, sub: dict) -> str:
    path = urlsplit(str(item.get("url") or "")).path.rstrip("/")
    name = path.rsplit("/", 1)[-1] if path else str(sub.get("title") or "tab")
    return safe_id(name.lower())[:30] or "tab"


def _entries(ydl, items) -> Iterator[Entry]:
    for item in items:
        if _is_nested(item):
            yield from _entries(ydl, _resolve_nested(ydl, item).get("entries") or [])
            continue
        entry = _to_entry(item)
        if entry:
            yield entry


def _to_entry(item) -> Entry | None:
    if not isinstance(item, dict):
        return None
    url = str(item.get("url") or item.get("webpage_url") or "")
    raw_id = str(item.get("id") or _id_from_url(url))
    if not raw_id or not url:
        return None
    duration = item.get("duration")
    return Entry(
        video_id=safe_id(raw_id),
        raw_id=raw_id,
        url=url,
        title=str(item.get("title") or raw_id)[:1000],
        duration=float(duration) if isinstance(duration, (int, float)) else None,
        upload_date=str(item["upload_date"]) if item.get("upload_date") else None,
        view_count=item["view_count"] if isinstance(item.get("view_count"), int) else None,
        description=str(item.get("description") or ""),
    )


def _id_from_url(url: str) -> str:
    """An id for an entry that has none (feeds, generic pages): the smuggled id or the file name."""
    plain, data = unsmuggle_url(url, {})
    if isinstance(data, dict) and data.get("force_videoid"):
        return str(data["force_videoid"])
    name = urlsplit(plain).path.rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else (name or plain)
