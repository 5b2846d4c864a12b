"""A channel's download options over the global defaults (archiver.download_profile holds the rules)."""
from __future__ import annotations

from django.conf import settings

from archiver import download_profile

FIELDS = ("max_height", "container", "audio_only", "tabs", "sleep_min", "sleep_max", "newest_n", "skip_keywords")


def channel_profile(channel) -> download_profile.Profile:
    return download_profile.effective({name: getattr(channel, name) for name in FIELDS},
                                      settings.YTARCHIVE["PROFILE"])


def wants_tab(channel, tab: str) -> bool:
    """Whether a sync lists ``tab``: the known tabs (videos, shorts, streams) as chosen, any other always."""
    return tab not in download_profile.TABS or tab in channel_profile(channel).tabs
