"""A channel's download options, each declared once: its type, default, setting, validation, help and meaning.

``Profile`` is the one definition: a frozen dataclass whose every field is an
option, its ``Spec`` (kind, help text, environment variable of the global
default, choices, bounds, CLI flag, how stored text is read and normalised)
kept in the field's metadata. Everything else is derived from ``SPECS`` (or
checked against it by a test, tests/unit/test_channel_options_surfaces.py):
the Channel model's fields (channels_app.option_fields), the API serializer,
the admin form, the web form's handling, the CLI's flags, the settings'
global profile (config.env.env_profile) and the download message, which
carries the effective ``Profile`` whole (archiver.messages).

A channel's option left empty takes the global default (YTARCHIVE_MAX_HEIGHT,
YTARCHIVE_CONTAINER, ... as each spec names it); ``effective`` folds the two.
Pure functions (no Django, no yt-dlp), so every combination is tested
directly; archiver.ytdlp turns a profile into format, format-sort, merge,
extract-audio, date-range, pacing and SponsorBlock options.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from archiver.library_view import layouts as library_layouts
from archiver.ytdlp import extractor_args as extractor_args_text

CONTAINERS = ("mp4", "mkv", "webm")
AUDIO_FORMATS = ("m4a", "opus")
TABS = ("videos", "shorts", "streams")
COMMENT_MODES = ("off", "top", "all")
DEFAULT_TOP_COMMENTS = 500  # comments=top always has a bound: comments_max 0 falls back to this
HEIGHTS = (144, 240, 360, 480, 720, 1080, 1440, 2160, 4320)
# SponsorBlock's categories (its wiki, "Types"); the last two mark a point or a chapter, never cut.
SPONSOR_CATEGORIES = ("sponsor", "intro", "outro", "selfpromo", "preview", "filler", "interaction",
                      "music_offtopic", "hook", "poi_highlight", "chapter")
REMOVABLE_CATEGORIES = SPONSOR_CATEGORIES[:-2]
SPONSORBLOCK_CHAPTER_TITLE = "[SponsorBlock]: %(category_names)l"

# int, float: a number within ``bounds``; choice: one of ``choices``; list: comma-separated text read by
# ``parse`` into a tuple; text: free text (checked by ``clean``); date: a day, YYYYMMDD in a profile; bool.
Kind = Literal["int", "float", "choice", "list", "text", "date", "bool"]


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


def parse_keywords(text: str | None) -> tuple[str, ...]:
    """``"live, Trailer"`` -> ``("live", "trailer")``: matched case-insensitively inside titles."""
    return tuple(dict.fromkeys(k.strip().lower() for k in (text or "").split(",") if k.strip()))


def parse_tabs(text: str | None) -> tuple[str, ...]:
    """``"videos,shorts"`` -> ``("videos", "shorts")``; ValueError names an unknown tab."""
    tabs = tuple(dict.fromkeys(t.strip().lower() for t in (text or "").split(",") if t.strip()))
    unknown = [t for t in tabs if t not in TABS]
    if unknown:
        raise ValueError(f"unknown tab(s) {', '.join(unknown)}; choose from {', '.join(TABS)}")
    return tabs


def _removable(text) -> tuple[str, ...]:
    return parse_categories(text, REMOVABLE_CATEGORIES)


@dataclass(frozen=True)
class Spec:
    """One option: everything a surface needs to offer, check, store and explain it."""

    kind: Kind
    help: str  # one sentence: the model's help text, and the start of the API's, the admin's and the CLI's
    name: str = ""  # the Profile field (and the Channel field, the API key, the form input, the CLI dest)
    default: object = None  # the Profile field's default: the global default when no setting says otherwise
    env: str = ""  # the environment variable of the global default ("": none, the channel's own or nothing)
    choices: tuple[str, ...] = ()  # choice: the values offered; list: the items allowed (() = any)
    # int, float: the least and most a channel may set (the API, the admin and the CLI take nothing outside, so
    # no value reaches the database that it cannot store, SQLite's integers end at 2**63-1, or yt-dlp misreads).
    bounds: tuple[float, float] | None = None
    max_length: int = 0  # choice, list, text: the stored text's most characters
    parse: Callable[[str], tuple[str, ...]] | None = None  # list: stored text -> a profile's tuple
    clean: Callable[[str], str] | None = None  # text: stored text normalised (ValueError says what is wrong)
    normalise: bool = True  # list: store ",".join(parse(text)); False: kept as written
    cli_flag: str = ""  # "": --NAME-WITH-DASHES
    metavar: str = ""
    unset: str = "the global default"  # what an empty value means

    @property
    def flag(self) -> str:
        return self.cli_flag or "--" + self.name.replace("_", "-")

    def cleaned(self, text: str) -> str:
        """Stored text as a channel keeps it (list and text kinds); ValueError names what is wrong."""
        if self.kind == "list" and self.normalise:
            return ",".join(self.parse(text))
        return self.clean(text) if self.clean else text

    def read(self, value):
        """A channel's stored value (not empty) -> the profile's value."""
        if self.kind == "list":
            return self.parse(value)
        if self.kind == "date":
            return parse_date(value)
        return {"int": int, "float": float, "bool": bool}.get(self.kind, str)(value)

    def as_json(self, value):
        """A profile's value as the API's ``effective`` shows it."""
        if self.kind == "list":
            return list(value)
        if self.kind == "date":
            return f"{value[:4]}-{value[4:6]}-{value[6:]}" if value else None
        return value


def _option(default, kind: Kind, help: str, **more):
    return field(default=default, metadata={"option": Spec(kind=kind, help=help, **more)})


@dataclass(frozen=True)
class Profile:
    """What one channel downloads, all options resolved (archiver.messages carries it to the worker)."""

    max_height: int = _option(0, "int", "Highest video height kept (e.g. 720).", env="YTARCHIVE_MAX_HEIGHT",
                              bounds=(1, 8640), metavar="PIXELS")  # 0: the best there is
    container: str = _option("", "choice", "Preferred container.", env="YTARCHIVE_CONTAINER",
                             choices=CONTAINERS, max_length=8)  # "": as served (yt-dlp merges into mkv if it must)
    audio_only: str = _option("", "choice", "Keep only the audio, in this format.", env="YTARCHIVE_AUDIO_ONLY",
                              choices=AUDIO_FORMATS, max_length=8)
    tabs: tuple[str, ...] = _option(TABS, "list", "Tabs to archive, e.g. videos,shorts,streams.",
                                    env="YTARCHIVE_TABS", choices=TABS, max_length=40, parse=parse_tabs)
    sleep_min: float = _option(0.0, "float", "Least seconds to wait before each download.",
                               env="YTARCHIVE_SLEEP_MIN", bounds=(0, 3600), metavar="SECONDS")
    sleep_max: float = _option(0.0, "float", "Most seconds to wait before each download.",
                               env="YTARCHIVE_SLEEP_MAX", bounds=(0, 3600), metavar="SECONDS")
    rate_limit: int = _option(0, "int", "Bytes per second per download.", env="YTARCHIVE_RATE_LIMIT",
                              bounds=(0, 10**12), metavar="BYTES_PER_S")  # 0: unlimited
    max_concurrent: int = _option(0, "int", "Most downloads of this channel at once, all workers.",
                                  env="YTARCHIVE_CHANNEL_CONCURRENCY", bounds=(1, 1000), metavar="N")  # 0: no cap
    newest_n: int = _option(0, "int", "Only the newest N videos of each tab.", env="YTARCHIVE_NEWEST_N",
                            cli_flag="--newest", bounds=(1, 1_000_000), metavar="N")  # 0: every video
    skip_keywords: tuple[str, ...] = _option(
        (), "list", "Comma-separated words: a video whose title has one is not listed.",
        env="YTARCHIVE_SKIP_KEYWORDS", max_length=500, parse=parse_keywords, normalise=False, metavar="WORDS")
    published_after: str = _option("", "date", "Only videos published on or after this day; older ones are "
                                   "skipped.", env="YTARCHIVE_PUBLISHED_AFTER", metavar="YYYY-MM-DD")  # YYYYMMDD
    sleep_requests: float = _option(0.0, "float", "Seconds between the requests of a listing or a download.",
                                    env="YTARCHIVE_SLEEP_REQUESTS", bounds=(0, 600), metavar="SECONDS")
    sponsorblock_mark: tuple[str, ...] = _option(
        (), "list", "SponsorBlock categories marked as chapters, e.g. sponsor,intro.",
        env="YTARCHIVE_SPONSORBLOCK_MARK", choices=SPONSOR_CATEGORIES, max_length=200, parse=parse_categories,
        metavar="CATEGORIES")
    sponsorblock_remove: tuple[str, ...] = _option(
        (), "list", "SponsorBlock categories cut out of the video, e.g. sponsor.",
        env="YTARCHIVE_SPONSORBLOCK_REMOVE", choices=REMOVABLE_CATEGORIES, max_length=200, parse=_removable,
        metavar="CATEGORIES")
    write_nfo: bool = _option(True, "bool", "Write video.nfo and tvshow.nfo for media servers (Kodi, Jellyfin).",
                              env="YTARCHIVE_NFO", cli_flag="--nfo")
    comments: str = _option("top", "choice", "Comments archived: off, top (the top-sorted, at most comments_max) or "
                            "all (newest first, every one, comments_max still bounds it unless 0).",
                            env="YTARCHIVE_COMMENTS", choices=COMMENT_MODES, max_length=8)
    comments_max: int = _option(500, "int", "Most comments (replies included) archived per video; 0: no bound "
                                "for comments=all.", env="YTARCHIVE_COMMENTS_MAX", bounds=(0, 1_000_000),
                                metavar="N")
    auto_captions: bool = _option(True, "bool", "Keep the site's automatic captions too, as "
                                  "subtitles/{lang}.auto.vtt.", env="YTARCHIVE_AUTO_CAPTIONS",
                                  cli_flag="--auto-captions")
    extractor_args: str = _option(
        "", "text", "yt-dlp extractor arguments for this channel, e.g. youtube:player_client=mweb;skip=dash "
        "(over the global ones).", max_length=extractor_args_text.MAX_LENGTH, clean=extractor_args_text.normalise,
        metavar="IE:KEY=VAL[,VAL];KEY=VAL", unset="none of its own")  # merged over the process's (archiver.ytdlp)
    library_layout: str = _option(
        library_layouts.OFF, "text", "Media-server library view (YTARCHIVE_LIBRARY_ROOT): off, jellyfin, plex, "
        "kodi, emby, or a template such as {channel}/{year}/{upload_date} {title} [{id}].",
        env="YTARCHIVE_LIBRARY_LAYOUT", max_length=300, clean=library_layouts.normalise,
        metavar="LAYOUT")  # archiver.library_view; the views follow the archive (channels_app.library_views)


SPECS: tuple[Spec, ...] = tuple(dataclasses.replace(f.metadata["option"], name=f.name, default=f.default)
                                for f in dataclasses.fields(Profile))
BY_NAME = {spec.name: spec for spec in SPECS}
NAMES = tuple(BY_NAME)


def consistent(values: dict) -> Profile:
    """A profile from every option's value, the rules between options applied (no wait shorter than the least)."""
    return Profile(**{**values, "sleep_max": max(values["sleep_min"], values["sleep_max"])})


def effective(channel: dict, defaults: Profile) -> Profile:
    """The channel's own values where set (not None, not ""), the defaults elsewhere."""
    return consistent({spec.name: getattr(defaults, spec.name) if channel.get(spec.name) in (None, "")
                       else spec.read(channel[spec.name]) for spec in SPECS})


def as_json(profile: Profile) -> dict:
    """Every option of ``profile`` as JSON values (lists, an ISO day): the API's ``effective``."""
    return {spec.name: spec.as_json(getattr(profile, spec.name)) for spec in SPECS}


def published_too_early(upload_date: str | None, profile: Profile) -> bool:
    """Whether a video published on ``upload_date`` (YYYYMMDD) falls before the channel's cutoff."""
    return bool(profile.published_after and upload_date and str(upload_date) < profile.published_after)


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


def comment_request(profile: Profile) -> tuple[str, int] | None:
    """What ``profile`` asks of a video's comments: ``(sort, most)`` with sort ``top`` or ``new`` and most 0
    for no bound; None for none. ``top``: YouTube's top-sorted order, always bounded (comments_max, or
    DEFAULT_TOP_COMMENTS when it is 0); ``all``: newest first, every comment, bounded by comments_max unless 0."""
    if profile.comments == "off":
        return None
    if profile.comments == "top":
        return "top", profile.comments_max or DEFAULT_TOP_COMMENTS
    return "new", profile.comments_max


def download_params(profile: Profile, fallback_format: str, sponsorblock_api: str) -> tuple[dict, list[dict]]:
    """What ``profile`` means to one yt-dlp download: its params (format, merge, pacing) and the
    post-processors it adds (audio extraction, remux into the container, SponsorBlock), in yt-dlp's order.

    The date cutoff is left to archiver.ytdlp (yt-dlp's ``DateRange``: only that module imports yt-dlp).
    """
    chosen = ytdlp_format(profile, fallback_format)
    params = {"format": chosen["format"], "format_sort": chosen["format_sort"],
              "merge_output_format": chosen["merge_output_format"]}
    if profile.sleep_max > 0:
        params.update(sleep_interval=profile.sleep_min, max_sleep_interval=profile.sleep_max)
    extra = [{"key": "FFmpegExtractAudio", "preferredcodec": chosen["audio"]}] if chosen["audio"] else []
    if profile.container and not chosen["audio"]:  # the container asked for, whatever the site served
        extra.append({"key": "FFmpegVideoRemuxer", "preferedformat": profile.container})
    return params, [*extra, *sponsorblock_postprocessors(profile, sponsorblock_api)]
