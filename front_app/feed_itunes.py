"""The two iTunes channel tags feedgen's podcast extension writes in a form Apple no longer asks for.

Apple's podcast RSS guide wants ``<itunes:explicit>true|false</itunes:explicit>``
(feedgen 1.0 knows only the older ``yes``/``no``/``clean``) and an
``<itunes:owner>`` whose ``<itunes:email>`` may be left out (feedgen requires
both or writes neither). This is a feedgen extension (its public
``register_extension``), so the XML is still written by feedgen's lxml tree,
never pasted; front_app.feeds registers it beside ``podcast``.
"""
from __future__ import annotations

from feedgen.ext.base import BaseExtension
from feedgen.util import xml_elem

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


class AppleChannelExtension(BaseExtension):
    """``explicit(bool)`` and ``owner(name, email)`` of a feed's channel."""

    def __init__(self):
        self._explicit: bool | None = None
        self._owner: tuple[str, str] | None = None

    def extend_ns(self):
        return {"itunes": ITUNES_NS}

    def explicit(self, value: bool) -> None:
        self._explicit = bool(value)

    def owner(self, name: str, email: str = "") -> None:
        self._owner = (name, email) if (name or email) else None

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self._explicit else "false"
        if self._owner:
            owner = xml_elem(f"{{{ITUNES_NS}}}owner", channel)
            name, email = self._owner
            if name:
                xml_elem(f"{{{ITUNES_NS}}}name", owner).text = name
            if email:
                xml_elem(f"{{{ITUNES_NS}}}email", owner).text = email
        return rss_feed

    def extend_atom(self, atom_feed):
        return atom_feed
