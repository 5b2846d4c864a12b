"""A channel's download options over the global defaults (archiver.channel_options holds the rules)."""
from __future__ import annotations

from django.conf import settings

from archiver import channel_options


def channel_profile(channel) -> channel_options.Profile:
    return channel_options.effective({name: getattr(channel, name) for name in channel_options.NAMES},
                                     settings.YTARCHIVE["PROFILE"])


def wants_tab(channel, tab: str) -> bool:
    """Whether a sync lists ``tab``: the known tabs (videos, shorts, streams) as chosen, any other always."""
    return tab not in channel_options.TABS or tab in channel_profile(channel).tabs
