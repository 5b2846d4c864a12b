"""What a channel downloads: its options over the global defaults, and their meaning to yt-dlp.

Pure functions (no Django, no yt-dlp), so every combination is tested
directly. A channel's option left empty takes the global default from the
settings (YTARCHIVE_MAX_HEIGHT, YTARCHIVE_CONTAINER, YTARCHIVE_AUDIO_ONLY,
YTARCHIVE_TABS, YTARCHIVE_SLEEP_MIN/MAX); archiver.ytdlp turns the result
into format, format-sort, merge and extract-audio options.
"""
from __future__ import annotations

from dataclasses import dataclass

CONTAINERS = ("mp4", "mkv", "webm")
AUDIO_FORMATS = ("m4a", "opus")
TABS = ("videos", "shorts", "streams")
HEIGHTS = (144, 240, 360, 480, 720, 1080, 1440, 2160, 4320)


@dataclass(frozen=True)
class Profile:
    max_height: int = 0  # 0: the best there is
    container: str = ""  # "": as the site has it (yt-dlp merges into mkv when it must)
    audio_only: str = ""  # "m4a" or "opus": the audio alone
    tabs: tuple[str, ...] = TABS
    sleep_min: float = 0.0
    sleep_max: float = 0.0
    newest_n: int = 0  # 0: every video; else only the newest N of each tab
    skip_keywords: tuple[str, ...] = ()  # a title containing any of these (any case) is not listed


def parse_keywords(text: str | None) -> tuple[str, ...]:
    """``"live, Trailer"`` -> ``("live", "trailer")``: matched case-insensitively inside titles."""
    return tuple(dict.fromkeys(k.strip().lower() for k in (text or "").split(",") if k.strip()))


def listed(entries, profile: Profile):
    """The entries of one tab a sync keeps: newest first, at most ``newest_n``, none with a skipped keyword.

    Lazy: once ``newest_n`` are kept, no further page of the listing is fetched.
    """
    kept = 0
    for entry in entries:
        if profile.newest_n and kept >= profile.newest_n:
            return
        title = (getattr(entry, "title", "") or "").lower()
        if any(word in title for word in profile.skip_keywords):
            continue
        kept += 1
        yield entry


def parse_tabs(text: str | None) -> tuple[str, ...]:
    """``"videos,shorts"`` -> ``("videos", "shorts")``; ValueError names an unknown tab."""
    tabs = tuple(dict.fromkeys(t.strip().lower() for t in (text or "").split(",") if t.strip()))
    unknown = [t for t in tabs if t not in TABS]
    if unknown:
        raise ValueError(f"unknown tab(s) {', '.join(unknown)}; choose from {', '.join(TABS)}")
    return tabs


def effective(channel: dict, defaults: Profile) -> Profile:
    """The channel's own values where set (not None, not ""), the defaults elsewhere."""
    def pick(name):
        value = channel.get(name)
        return getattr(defaults, name) if value in (None, "") else value
    tabs = channel.get("tabs")
    sleep_min, sleep_max = float(pick("sleep_min")), float(pick("sleep_max"))
    keywords = channel.get("skip_keywords")
    return Profile(max_height=int(pick("max_height")), container=str(pick("container")),
                   audio_only=str(pick("audio_only")),
                   tabs=parse_tabs(tabs) if tabs else defaults.tabs,
                   sleep_min=sleep_min, sleep_max=max(sleep_min, sleep_max), newest_n=int(pick("newest_n")),
                   skip_keywords=parse_keywords(keywords) if keywords else defaults.skip_keywords)


def ytdlp_format(profile: Profile, fallback: str) -> dict:
    """yt-dlp options for ``profile``: ``format``, ``format_sort``, ``merge_output_format``, ``audio``."""
    if profile.audio_only:
        return {"format": f"ba[ext={profile.audio_only}]/ba[acodec*={profile.audio_only}]/ba/b",
                "format_sort": [], "merge_output_format": None, "audio": profile.audio_only}
    limit = f"[height<={profile.max_height}]" if profile.max_height else ""
    sort = [f"res:{profile.max_height}"] if profile.max_height else []
    if profile.container:
        sort.append(f"ext:{profile.container}")
    chosen = f"bv*{limit}+ba/b{limit}/wv*+ba/w" if limit else fallback  # never nothing: the smallest
    return {"format": chosen, "format_sort": sort, "merge_output_format": profile.container or None,
            "audio": ""}
