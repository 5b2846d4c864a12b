"""A subtitle track's name in the player's list: ``de`` -> "German", ``de.auto`` -> "German (auto)" (the
site's automatic captions, archiver.tree.subtitle_track), from Django's own table of language names."""
from __future__ import annotations

from django.conf.locale import LANG_INFO

from archiver import tree


def track_label(name: str) -> dict:
    """``{"srclang", "label"}`` of the subtitle file ``subtitles/{name}.vtt``."""
    lang, automatic = tree.subtitle_track(name)
    info = LANG_INFO.get(lang.lower()) or LANG_INFO.get(lang.split("-")[0].lower()) or {}
    label = info.get("name") or lang
    return {"srclang": lang, "label": f"{label} (auto)" if automatic else label}
