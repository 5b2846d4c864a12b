"""What a channel downloads: its options over the global defaults, and their meaning to yt-dlp.

Pure functions (no Django, no yt-dlp), so every combination is tested
directly. A channel's option left empty takes the global default from the
settings (YTARCHIVE_MAX_HEIGHT, YTARCHIVE_CONTAINER, YTARCHIVE_AUDIO_ONLY,
YTARCHIVE_TABS, YTARCHIVE_SLEEP_MIN/MAX, YTARCHIVE_SLEEP_REQUESTS,
YTARCHIVE_PUBLISHED_AFTER, YTARCHIVE_SPONSORBLOCK_MARK/REMOVE); archiver.ytdlp
turns the result into format, format-sort, merge, extract-audio, date-range,
pacing and SponsorBlock options.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CONTAINERS = ("mp4", "mkv", "webm")
AUDIO_FORMATS = ("m4a", "opus")
TABS = ("videos", "shorts", "streams")
HEIGHTS = (144, 240, 360, 480, 720, 1080, 1440, 2160, 4320)
# SponsorBlock's categories (its wiki, "Types"); the last two mark a point or a chapter, never cut.
SPONSOR_CATEGORIES = ("sponsor", "intro", "outro", "selfpromo", "preview", "filler", "interaction",
                      "music_offtopic", "hook", "poi_highlight", "chapter")
REMOVABLE_CATEGORIES = SPONSOR_CATEGORIES[:-2]
SPONSORBLOCK_CHAPTER_TITLE = "[SponsorBlock]: %(category_names)l"


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
    published_after: str = ""  # YYYYMMDD: a video published before it is skipped; "": no cutoff
    sleep_requests: float = 0.0  # seconds between the requests of one listing or one download
    sponsorblock_mark: tuple[str, ...] = ()  # SponsorBlock categories kept, marked as chapters
    sponsorblock_remove: tuple[str, ...] = ()  # SponsorBlock categories cut out of the file
    write_nfo: bool = True  # video.nfo and tvshow.nfo for media servers


def parse_date(text) -> str:
    """``"2024-02-28"``, ``"20240228"`` or a date -> ``"20240228"``; ``""`` for none; ValueError otherwise."""
    if isinstance(text, dt.date):
        return text.strftime("%Y%m%d")
    text = str(text or "").strip()
    if not text:
        return ""
    for layout in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, layout).strftime("%Y%m%d")
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date: write it as 2024-02-28")


def parse_categories(text, allowed: tuple[str, ...] = SPONSOR_CATEGORIES) -> tuple[str, ...]:
    """``"sponsor, Intro"`` (or a list) -> ``("sponsor", "intro")``; ValueError names an unknown one."""
    items = text if isinstance(text, list | tuple) else str(text or "").split(",")
    cats = tuple(dict.fromkeys(str(c).strip().lower() for c in items if str(c).strip()))
    unknown = [c for c in cats if c not in allowed]
    if unknown:
        raise ValueError(f"unknown SponsorBlock categor{'y' if len(unknown) == 1 else 'ies'} "
                         f"{', '.join(unknown)}; choose from {', '.join(allowed)}")
    return cats


def published_too_early(upload_date: str | None, profile: Profile) -> bool:
    """Whether a video published on ``upload_date`` (YYYYMMDD) falls before the channel's cutoff."""
    return bool(profile.published_after and upload_date and str(upload_date) < profile.published_after)


def parse_keywords(text: str | None) -> tuple[str, ...]:
    """``"live, Trailer"`` -> ``("live", "trailer")``: matched case-insensitively inside titles."""
    return tuple(dict.fromkeys(k.strip().lower() for k in (text or "").split(",") if k.strip()))


def listed(entries, profile: Profile):
    """The entries of one tab a sync keeps: newest first, at most ``newest_n``, none with a skipped keyword,
    none published before ``published_after`` when the listing knows the date (else the download checks).

    Lazy: once ``newest_n`` are kept, or a dated entry is older than the cutoff, no further page is fetched.
    """
    kept = 0
    for entry in entries:
        if profile.newest_n and kept >= profile.newest_n:
            return
        title = (getattr(entry, "title", "") or "").lower()
        if any(word in title for word in profile.skip_keywords):
            continue
        if published_too_early(getattr(entry, "upload_date", None), profile):
            return  # a tab lists newest first: everything after is older still
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
    mark, remove = channel.get("sponsorblock_mark"), channel.get("sponsorblock_remove")
    return Profile(max_height=int(pick("max_height")), container=str(pick("container")),
                   audio_only=str(pick("audio_only")),
                   tabs=parse_tabs(tabs) if tabs else defaults.tabs,
                   sleep_min=sleep_min, sleep_max=max(sleep_min, sleep_max), newest_n=int(pick("newest_n")),
                   skip_keywords=parse_keywords(keywords) if keywords else defaults.skip_keywords,
                   published_after=parse_date(pick("published_after")),
                   sleep_requests=float(pick("sleep_requests")),
                   sponsorblock_mark=parse_categories(mark) if mark else defaults.sponsorblock_mark,
                   sponsorblock_remove=(parse_categories(remove, REMOVABLE_CATEGORIES) if remove
                                        else defaults.sponsorblock_remove),
                   write_nfo=bool(pick("write_nfo")))


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


def sponsorblock_postprocessors(profile: Profile, api: str) -> list[dict]:
    """yt-dlp's SponsorBlock post-processors for ``profile`` (as its --sponsorblock-mark/-remove build them).

    The segments of every category asked for are fetched from ``api``; the
    removed ones are cut out, the rest become chapters embedded in the file.
    """
    categories = tuple(dict.fromkeys(profile.sponsorblock_mark + profile.sponsorblock_remove))
    if not categories:
        return []
    return [
        {"key": "SponsorBlock", "categories": list(categories), "api": api, "when": "after_filter"},
        {"key": "ModifyChapters", "remove_chapters_patterns": [], "remove_ranges": [],
         "remove_sponsor_segments": list(profile.sponsorblock_remove),
         "sponsorblock_chapter_title": SPONSORBLOCK_CHAPTER_TITLE, "force_keyframes": False},
        {"key": "FFmpegMetadata", "add_chapters": True, "add_metadata": False, "add_infojson": False},
    ]
