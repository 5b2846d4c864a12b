"""Titles and descriptions are written by strangers: kept exactly, chosen from the best source, and made
inert only where they are written out (XML, a terminal), never changed in the catalog.

Pure functions, no Django, no yt-dlp.

- Which title: a download's own info is the video page's, better than the listing's, except when it has
  none of its own: yt-dlp's generic extractor (a bare MP4 linked from an RSS feed) names the video after
  the URL's file name, which is no title at all. Then the listing's stays.
- XML 1.0 cannot carry most C0 controls, lone surrogates, U+FFFE and U+FFFF at all (escaping does not
  help), so those are dropped; ElementTree escapes the rest.
- A terminal obeys C0/C1 controls and bidi overrides: the CLI strips them (ytarchive_cli/output.py, its
  own copy: the CLI imports nothing outside ytarchive_cli).
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

GENERIC_EXTRACTORS = {"generic"}
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def url_file_stem(url: str) -> str:
    """``https://h/media/ep-000_x.mp4?a=1`` -> ``ep-000_x``: what yt-dlp's generic extractor calls a title."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return name.rsplit(".", 1)[0] if "." in name else name


def page_title(info: dict, url: str) -> str:
    """The title a download's info gives the video, or "" when it has none of its own (see above)."""
    title = str(info.get("title") or "")
    extractor = str(info.get("extractor_key") or info.get("extractor") or "").lower()
    if not title or extractor in GENERIC_EXTRACTORS:
        return ""
    stems = {url_file_stem(url), url_file_stem(str(info.get("webpage_url") or "")), str(info.get("id") or "")}
    return "" if title in stems - {""} else title


def best_title(listing: str, page: str) -> str:
    """The video page's title when it has one, else the listing's."""
    return page or listing


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry; nothing else changes."""
    return _NOT_XML.sub("", text)

