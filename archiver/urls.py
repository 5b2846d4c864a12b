"""Channel URLs in, one canonical form out; private addresses kept out.

Every form a person pastes for a YouTube channel (/channel/UC…, /@handle,
/c/name, /user/name, with or without a tab, a scheme, ``m.`` or ``www.``) is
reduced to one canonical URL; other sites keep their URL minus the fragment.
Resolving a handle to its stable ``UC…`` id needs the site and is yt-dlp's job
(``archiver.ytdlp``), so duplicates are finally caught on that id.
"""
from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from archiver.errors import UserError
from archiver.netguard import AddressPolicy

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"}
SHORT_VIDEO_HOSTS = {"youtu.be", "www.youtu.be"}
_TABS = {"videos", "shorts", "streams", "live", "featured", "playlists", "community", "about"}
_CHANNEL_ID = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_NAME = re.compile(r"^[A-Za-z0-9._%\-]{1,100}$")
_HANDLE = re.compile(r"^@[A-Za-z0-9._%\-]{1,100}$")
_PLAYLIST_ID = re.compile(r"^[A-Za-z0-9_-]{10,64}$")
_RESERVED = {"results", "feed", "gaming", "premium", "account", "hashtag", "t", "about", "signin", "logout"}


@dataclass(frozen=True)
class ChannelURL:
    """A canonical channel URL and what is known of it without asking the site."""

    url: str
    site: str  # "youtube" or "other"
    channel_id: str | None = None  # known up front only for /channel/UC… URLs


def normalise(text: str) -> ChannelURL:
    """Canonicalise a pasted channel or playlist URL, or raise UserError saying why."""
    if not isinstance(text, str) or not text.strip():
        raise UserError("Give the URL of a channel or playlist.")
    text = text.strip()
    if "://" not in text:
        if re.match(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/|$)", text):
            text = "https://" + text
        else:
            raise UserError(f"Not a URL: {text[:200]!r}")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UserError(f"Not a valid URL: {exc}") from exc
    if parts.scheme.lower() not in {"http", "https"}:
        raise UserError("Only http and https URLs can be archived.")
    host = (parts.hostname or "").lower()
    if not host:
        raise UserError(f"Not a URL: {text[:200]!r} has no host.")
    if host in SHORT_VIDEO_HOSTS:
        raise UserError("That is a single video, not a channel or playlist.")
    if host in YOUTUBE_HOSTS:
        return _normalise_youtube(parts.path, parts.query)
    netloc = host if port is None else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        netloc = f"[{host}]" if port is None else f"[{host}]:{port}"
    return ChannelURL(urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, "")), "other")


def _normalise_youtube(path: str, query: str) -> ChannelURL:
    segments = [s for s in path.split("/") if s]
    base = "https://www.youtube.com"
    params = parse_qs(query)
    if segments[:1] == ["playlist"] or (segments[:1] == ["watch"] and "list" in params):
        playlist = (params.get("list") or [""])[0]
        if not _PLAYLIST_ID.match(playlist):
            raise UserError("That playlist URL has no valid list= id.")
        return ChannelURL(f"{base}/playlist?{urlencode({'list': playlist})}", "youtube")
    if not segments or segments[0] in {"watch", "shorts", "embed", "live", "v"}:
        if segments and segments[0] in {"watch", "shorts", "embed", "v"}:
            raise UserError("That is a single video, not a channel or playlist.")
        raise UserError("That YouTube URL names no channel or playlist.")
    head, rest = segments[0], segments[1:]
    tail_ok = not rest or rest[0] in _TABS
    if head == "channel" and rest and _CHANNEL_ID.match(rest[0]) and (len(rest) == 1 or rest[1] in _TABS):
        return ChannelURL(f"{base}/channel/{rest[0]}", "youtube", channel_id=rest[0])
    if head in {"c", "user"} and rest and _NAME.match(rest[0]) and (len(rest) == 1 or rest[1] in _TABS):
        return ChannelURL(f"{base}/{head}/{rest[0]}", "youtube")
    if _HANDLE.match(head) and tail_ok:
        return ChannelURL(f"{base}/{head.lower()}", "youtube")
    if len(segments) <= 2 and _NAME.match(head) and tail_ok and head not in {"channel", "c", "user"} | _RESERVED:
        return ChannelURL(f"{base}/c/{head}", "youtube")
    raise UserError("That YouTube URL is not a channel (/channel/UC…, /@handle, /c/…, /user/…) or playlist.")


def check_public(url: str, policy: AddressPolicy | bool) -> None:
    """Refuse a URL whose host resolves to an address the policy does not allow (UserError says why).

    The early, friendly half of the SSRF guard: a user adding a channel hears
    at once. archiver.netguard checks every connection again when it is made.
    """
    policy = policy if isinstance(policy, AddressPolicy) else AddressPolicy.parse(policy)
    if policy.allow_all:
        return
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise UserError(f"Cannot resolve the host {host!r}: {exc}") from exc
    for info in infos:
        reason = policy.refusal(info[4][0])
        if reason:
            raise UserError(f"{host}: {reason}.")
