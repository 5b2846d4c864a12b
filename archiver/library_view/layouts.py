"""The layouts a view can take: each media server's documented names, ``off``, or a user's template.

Every named layout is a date-based show per channel, the way the servers document series, seasons and
episodes::

    {channel} [{channel_id}]/tvshow.nfo poster.jpg fanart.jpg
    {channel} [{channel_id}]/Season {year}/{channel} - S{year}E{MMDD}{NN} - {title} [{video_id}].{ext}
                                          /… .nfo  … -thumb.jpg  … .{lang}.vtt

They differ where the servers do (tests/unit/test_library_layouts.py holds each rule beside its source):
Plex reads no ``.nfo`` and takes an episode's image under the video's own name (``….jpg``); Kodi, Jellyfin
and Emby read ``….nfo`` and ``…-thumb.jpg``. ``parse`` checks a layout's text (the setting, a channel's
option) and says what is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass

from archiver.library_view import template as template_language

OFF = "off"
CUSTOM_FOLDER = "custom"  # the view folder of every template layout: LIBRARY_ROOT/custom/


@dataclass(frozen=True)
class Server:
    """One media server's names, as its documentation gives them."""

    name: str
    thumb_suffix: str  # appended to the video's stem: "-thumb.jpg" or ".jpg"
    episode_nfo: bool  # ….nfo beside the video
    show_nfo: bool  # tvshow.nfo in the show's folder
    poster: str = "poster.jpg"
    fanart: str = "fanart.jpg"


SERVERS = {
    "jellyfin": Server("jellyfin", "-thumb.jpg", episode_nfo=True, show_nfo=True),
    "plex": Server("plex", ".jpg", episode_nfo=False, show_nfo=False),
    "kodi": Server("kodi", "-thumb.jpg", episode_nfo=True, show_nfo=True),
    "emby": Server("emby", "-thumb.jpg", episode_nfo=True, show_nfo=True),
}
NAMES = (OFF, *SERVERS)
# A template's sidecars: Kodi's names (the most widely read: Jellyfin and Emby take them too).
TEMPLATE_SERVER = Server("custom", "-thumb.jpg", episode_nfo=True, show_nfo=True)


@dataclass(frozen=True)
class Layout:
    """A view's layout: a server's names, or a template (with Kodi's sidecar names)."""

    name: str  # "jellyfin", …, or "custom" for a template
    server: Server
    template: template_language.Template | None = None

    @property
    def folder(self) -> str:
        """The view's folder under LIBRARY_ROOT."""
        return self.name


def normalise(text: str) -> str:
    """A layout as stored (a channel's option, the setting): a name in lower case, a template as written,
    ``""`` for none (follow the global); ValueError says what is wrong."""
    text = str(text or "").strip()
    if not text or text.lower() in NAMES:
        return text.lower()
    if "{" not in text:
        raise ValueError(f"unknown library layout {text!r}: choose {', '.join(NAMES)} "
                         "or a template such as {channel}/{year}/{upload_date} {title} [{id}]")
    template_language.parse(text)  # TemplateError is a ValueError
    return text


def parse(text: str) -> Layout | None:
    """The layout ``text`` names; None for ``off`` (or nothing)."""
    text = normalise(text)
    if text in ("", OFF):
        return None
    if text in SERVERS:
        return Layout(text, SERVERS[text])
    return Layout(CUSTOM_FOLDER, TEMPLATE_SERVER, template_language.parse(text))
