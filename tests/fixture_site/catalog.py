"""The fixture site's content: channels, tabs and videos.

Everything the fake site serves is derived from this module, so tests can import it to know
what to expect (ids, order, titles) without hard-coding a second copy. It is plain data plus a
few lookup helpers; nothing here touches the network or the disk.

Channels:

* ``chan-main`` (handle ``fixturemain``): tabs ``videos`` (13 entries, page size 4 so paging is
  exercised) and ``shorts`` (3 entries). It holds the special cases: ``vid-private`` (403),
  ``vid-removed`` (404), ``vid-flaky`` (503 twice, then fine), ``vid-webp`` (WebP thumbnail)
  and ``vid-weird`` (hostile 300-character title).
* ``chan-slow`` (handle ``fixtureslow``): tab ``videos`` with ``vid-slow`` (served rate-limited)
  and two normal videos.
* ``chan-retry`` (handle ``fixtureretry``): tab ``videos`` with ``vid-retry-flaky`` (flaky) and ``vid-retry-01``
* ``chan-members`` (handle ``fixturemembers``): tab ``videos`` with ``vid-members`` (members-only:
  its metadata answers 403 unless the request carries the cookie ``MEMBER_COOKIE``),
  ``vid-sponsored`` (the SponsorBlock-style API at ``/api/skipSegments/`` knows its
  ``SPONSOR_SEGMENTS``) and two public videos on consecutive days (for date cutoffs), and tab
  ``streams`` with one past live stream.
* ``chan-failures`` (handle ``fixturefailures``): one video per cause of failure as YouTube words it
  (members-only, private, removed, geo-blocked, age-restricted, only storyboard images, a broken
  extractor; ``FAILURE_REASONS`` maps each to the reason ytarchive should give), and
  ``chan-botcheck`` (handle ``fixturebotcheck``): ``vid-fail-botcheck`` behind YouTube's bot check
  for its first ``BOT_CHECK_FAILURES`` requests.
* ``chan-big-N`` (handle ``fixturebigN``) for any N: tab ``videos`` with N listing-only entries
  ``big-N-00001``... generated on the fly (their metadata answers 404).
* ``chan-bench-N`` (handle ``fixturebenchN``) for any N: tab ``videos`` with N downloadable
  entries ``bench-N-00001``... with real media of about ``YTARCHIVE_BENCH_MB`` MB each (see
  ``media.bench_mp4``): bench video i reuses the thumbnail of static video
  ``BENCH_SOURCES[(i - 1) % len(BENCH_SOURCES)]`` and one of a few big generated mp4s.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import talk

MAIN_CHANNEL_ID = "chan-main"
SLOW_CHANNEL_ID = "chan-slow"
PRIVATE_ID = "vid-private"
REMOVED_ID = "vid-removed"
FLAKY_ID = "vid-flaky"
WEBP_ID = "vid-webp"
WEIRD_ID = "vid-weird"
SLOW_ID = "vid-slow"
RETRY_CHANNEL_ID = "chan-retry"
RETRY_FLAKY_ID = "vid-retry-flaky"
MEMBERS_CHANNEL_ID = "chan-members"
MEMBERS_ID = "vid-members"
SPONSORED_ID = "vid-sponsored"
LIVE_ID = "vid-live-01"
#: The cookie (name, value) that unlocks members-only videos.
MEMBER_COOKIE = ("fixture_member", "yes")
#: SponsorBlock segments of SPONSORED_ID: (start, end, category) in seconds.
SPONSOR_SEGMENTS = ((2.0, 4.0, "sponsor"),)

#: How many times ``vid-flaky``'s metadata answers 503 before it answers 200.
FLAKY_FAILURES = 2
#: Upper bound for ``chan-big-N`` so a typo cannot make the server build absurd pages.
BIG_MAX = 500_000
BIG_PAGE_SIZE = 50

# Video statuses: how the metadata API answers.
PUBLIC = "public"  # 200
PRIVATE = "private"  # 403 {"error": "private"}
REMOVED = "removed"  # 404
FLAKY = "flaky"  # 503 for the first FLAKY_FAILURES requests, then 200
LISTING_ONLY = "listing_only"  # synthetic big-channel entries: 404, no media
MEMBERS = "members"  # 403 {"error": "members"} without MEMBER_COOKIE, else like public
# Failures as YouTube words them (the failures block below):
UNPLAYABLE = "unplayable"  # 200 {"error": "unplayable", "playability": {...}}: YouTube's refusal, no media
BOT_CHECK = "bot_check"  # YouTube's bot check for the first FixtureSite.bot_check_failures requests, then public
IMAGES_ONLY = "images_only"  # offers only storyboard images (YouTube, short of a PO token): nothing to download
BROKEN = "broken"  # its metadata lacks the title: the extractor breaks, as yt-dlp's do when a site changes


def _weird_title() -> str:
    """A title built to break naive filename/HTML/shell handling; exactly 300 characters."""
    head = "Weird \"double\" & 'single' quotes / slash ../../etc/passwd .. 🎬 emoji | "
    tail = " END"
    filler = "lorem ipsum dolor sit amet " * 20
    return head + filler[: 300 - len(head) - len(tail)] + tail


WEIRD_TITLE = _weird_title()
assert len(WEIRD_TITLE) == 300


@dataclass(frozen=True)
class Video:
    """One video. The ``pattern``/``frequency``/``noise`` fields are the media recipe."""

    id: str
    title: str
    upload_date: str  # YYYYMMDD
    duration: int  # seconds
    channel_id: str
    tab: str
    description: str = ""
    status: str = PUBLIC
    thumbnail_ext: str = "jpg"
    slow: bool = False  # media served at FixtureSite.slow_rate bytes/s
    width: int = 160
    height: int = 120
    fps: int = 10
    media_of: str = ""  # bench videos: the static video whose thumbnail they reuse
    pattern: str = "testsrc"  # ffmpeg lavfi video source
    frequency: int = 440  # sine tone in Hz
    noise: int = 0  # ffmpeg noise strength; makes the file big (poorly compressible)
    sponsor_segments: tuple[tuple[float, float, str], ...] = ()  # what the segments API says of it
    chapters: tuple[tuple[float, float, str], ...] = ()  # (start, end, title): the site's own chapters
    #: UNPLAYABLE and BOT_CHECK videos: YouTube's playabilityStatus (status, reason, subreason), word for word.
    playability: tuple[str, str, str] = ()

    @property
    def has_media(self) -> bool:
        """True when the site serves an mp4/thumbnail/subtitles for this video."""
        return self.status in (PUBLIC, FLAKY, MEMBERS, BOT_CHECK)


@dataclass
class Channel:
    """A channel and its tabs (tab name -> ordered video ids, newest first)."""

    id: str
    handle: str
    title: str
    description: str
    tabs: dict[str, Sequence[str]] = field(default_factory=dict)
    page_size: int = 4

    @property
    def avatar_key(self) -> str:
        """Name of the avatar image in the media dir (big and bench channels share one)."""
        return "chan-big" if self.id.startswith(("chan-big-", "chan-bench-")) else self.id


def _dates(start: dt.date, count: int) -> list[str]:
    return [(start - dt.timedelta(days=i)).strftime("%Y%m%d") for i in range(count)]


_PATTERNS = (
    "testsrc", "testsrc2", "smptebars", "rgbtestsrc",
    "smptehdbars", "yuvtestsrc", "pal75bars", "pal100bars",
)


def _build_static() -> tuple[dict[str, Channel], dict[str, Video]]:
    videos: dict[str, Video] = {}
    channels: dict[str, Channel] = {}

    def add(spec: list[tuple[str, dict]], channel_id: str, tab: str, start: dt.date) -> list[str]:
        ids = []
        for n, ((vid, extra), date) in enumerate(zip(spec, _dates(start, len(spec)), strict=True)):
            seq = len(videos)
            base = {
                "title": f"Fixture video {vid}",
                "description": f"Description of {vid}.\nSecond line with a link: https://example.invalid/{vid}",
                "duration": 2 + n % 2,
                "pattern": _PATTERNS[seq % len(_PATTERNS)],
                "frequency": 220 + 37 * seq,
            }
            base.update(extra)
            videos[vid] = Video(id=vid, upload_date=date, channel_id=channel_id, tab=tab, **base)
            ids.append(vid)
        return ids

    main_videos = add([
        ("vid-main-01", {}),
        (WEIRD_ID, {"title": WEIRD_TITLE}),
        ("vid-main-02", {}),
        (FLAKY_ID, {"title": "Flaky video (503 twice)", "status": FLAKY}),
        ("vid-main-03", {}),
        (PRIVATE_ID, {"title": "Private video", "status": PRIVATE, "duration": 5}),
        ("vid-main-04", {}),
        (WEBP_ID, {"title": "Video with a WebP thumbnail", "thumbnail_ext": "webp"}),
        ("vid-main-05", {}),
        (REMOVED_ID, {"title": "Removed video", "status": REMOVED, "duration": 7}),
        ("vid-main-06", {}),
        ("vid-main-07", {}),
        ("vid-main-08", {}),
    ], MAIN_CHANNEL_ID, "videos", dt.date(2024, 6, 30))
    vertical = {"width": 90, "height": 160, "duration": 2}
    main_shorts = add([
        ("vid-short-01", {"title": "Short one", **vertical}),
        ("vid-short-02", {"title": "Short two", **vertical}),
        ("vid-short-03", {"title": "Short three", **vertical}),
    ], MAIN_CHANNEL_ID, "shorts", dt.date(2024, 5, 31))
    channels[MAIN_CHANNEL_ID] = Channel(
        id=MAIN_CHANNEL_ID,
        handle="fixturemain",
        title="Fixture Main Channel",
        description="The main fixture channel.\nIt has videos, shorts and a few troublemakers.",
        tabs={"videos": tuple(main_videos), "shorts": tuple(main_shorts)},
        page_size=4,
    )

    slow_videos = add([
        (SLOW_ID, {"title": "Slow video (rate-limited)", "slow": True, "duration": 6,
                   "pattern": "testsrc2", "noise": 40}),
        ("vid-slowchan-01", {}),
        ("vid-slowchan-02", {}),
    ], SLOW_CHANNEL_ID, "videos", dt.date(2024, 4, 30))
    channels[SLOW_CHANNEL_ID] = Channel(
        id=SLOW_CHANNEL_ID,
        handle="fixtureslow",
        title="Fixture Slow Channel",
        description="A channel whose first video downloads slowly.",
        tabs={"videos": tuple(slow_videos)},
        page_size=4,
    )
    retry_videos = add([
        (RETRY_FLAKY_ID, {"title": "Flaky video of the retry channel", "status": FLAKY}),
        ("vid-retry-01", {}),
    ], RETRY_CHANNEL_ID, "videos", dt.date(2024, 3, 31))
    channels[RETRY_CHANNEL_ID] = Channel(
        id=RETRY_CHANNEL_ID,
        handle="fixtureretry",
        title="Fixture Retry Channel",
        description="A channel with one flaky video, for retry tests.",
        tabs={"videos": tuple(retry_videos)},
        page_size=4,
    )
    members_videos = add([
        (SPONSORED_ID, {"title": "Video with a sponsor segment", "duration": 6,
                        "sponsor_segments": SPONSOR_SEGMENTS}),
        ("vid-mem-01", {"title": "Members channel: a public video"}),
        (MEMBERS_ID, {"title": "Members-only video", "status": MEMBERS}),
        ("vid-mem-02", {"title": "Members channel: the oldest video"}),
    ], MEMBERS_CHANNEL_ID, "videos", dt.date(2024, 2, 29))
    members_streams = add([(LIVE_ID, {"title": "A past live stream"})], MEMBERS_CHANNEL_ID, "streams",
                          dt.date(2024, 1, 31))
    channels[MEMBERS_CHANNEL_ID] = Channel(
        id=MEMBERS_CHANNEL_ID,
        handle="fixturemembers",
        title="Fixture Members Channel",
        description="Members-only and sponsored videos, and a live tab.",
        tabs={"videos": tuple(members_videos), "streams": tuple(members_streams)},
        page_size=4,
    )
    return channels, videos


CHANNELS, VIDEOS = _build_static()


# --- failures as YouTube words them -------------------------------------------------------------
# Two channels of their own (every channel above stays as it was: other tests count them).
# ``chan-failures`` fails each video as YouTube does, in the words yt-dlp reports (see
# yt_dlp/extractor/youtube/_video.py, its playabilityStatus handling); ``chan-botcheck`` holds one
# video behind YouTube's bot check, which pauses the whole site, so it is kept apart.

FAILURES_CHANNEL_ID = "chan-failures"
BOTCHECK_CHANNEL_ID = "chan-botcheck"
BOTCHECK_ID = "vid-fail-botcheck"
#: How many metadata requests of BOTCHECK_ID get the bot check before one succeeds.
BOT_CHECK_FAILURES = 1
#: video id -> the reason code archiver.failure_reasons should give its failure.
FAILURE_REASONS = {
    "vid-fail-members": "members_only",
    "vid-fail-private": "private",
    "vid-fail-removed": "removed",
    "vid-fail-geo": "geo_blocked",
    "vid-fail-age": "age_restricted",
    "vid-fail-format": "format_unavailable",
    "vid-fail-broken": "extractor_broken",
}
_LOGIN = ("LOGIN_REQUIRED",)
_FAILURE_SPECS = {
    "vid-fail-members": {"status": MEMBERS, "title": "Members-only video of the failures channel"},
    "vid-fail-private": {"status": UNPLAYABLE, "title": "Private video",
                         "playability": (*_LOGIN, "Private video", "Sign in if you've been granted access to this "
                                         "video")},
    "vid-fail-removed": {"status": UNPLAYABLE, "title": "Removed video",
                         "playability": ("ERROR", "This video has been removed by the uploader", "")},
    "vid-fail-geo": {"status": UNPLAYABLE, "title": "Geo-blocked video",
                     "playability": ("UNPLAYABLE", "Video unavailable",
                                     "The uploader has not made this video available in your country")},
    "vid-fail-age": {"status": UNPLAYABLE, "title": "Age-restricted video",
                     "playability": (*_LOGIN, "Sign in to confirm your age",
                                     "This video may be inappropriate for some users.")},
    "vid-fail-format": {"status": IMAGES_ONLY, "title": "Video offered as storyboard images only"},
    "vid-fail-broken": {"status": BROKEN, "title": "Video whose page the extractor cannot read"},
}
#: YouTube's playabilityStatus of a bot check (yt-dlp keeps the reason, drops the subreason).
BOT_CHECK_PLAYABILITY = (*_LOGIN, "Sign in to confirm you\u2019re not a bot",  # YouTube's curly apostrophe
                         "This helps protect our community. Learn more")


def _build_failures() -> tuple[dict[str, Channel], dict[str, Video]]:
    videos: dict[str, Video] = {}
    for n, (vid, spec) in enumerate(_FAILURE_SPECS.items()):
        videos[vid] = Video(id=vid, upload_date=(dt.date(2023, 11, 30) - dt.timedelta(days=n)).strftime("%Y%m%d"),
                            duration=2, channel_id=FAILURES_CHANNEL_ID, tab="videos",
                            description=f"Description of {vid}.", **spec)
    videos[BOTCHECK_ID] = Video(id=BOTCHECK_ID, title="Video behind a bot check", upload_date="20231031",
                                duration=2, channel_id=BOTCHECK_CHANNEL_ID, tab="videos", status=BOT_CHECK,
                                description=f"Description of {BOTCHECK_ID}.", playability=BOT_CHECK_PLAYABILITY,
                                pattern="smptebars", frequency=660)
    channels = {
        FAILURES_CHANNEL_ID: Channel(id=FAILURES_CHANNEL_ID, handle="fixturefailures",
                                     title="Fixture Failures Channel",
                                     description="Videos that fail as YouTube's do, one of each cause.",
                                     tabs={"videos": tuple(_FAILURE_SPECS)}, page_size=4),
        BOTCHECK_CHANNEL_ID: Channel(id=BOTCHECK_CHANNEL_ID, handle="fixturebotcheck",
                                     title="Fixture Bot-check Channel",
                                     description="One video behind YouTube's bot check.",
                                     tabs={"videos": (BOTCHECK_ID,)}, page_size=4),
    }
    return channels, videos


_failure_channels, _failure_videos = _build_failures()
CHANNELS.update(_failure_channels)
VIDEOS.update(_failure_videos)

# --- the player's channel -----------------------------------------------------------------------
# ``chan-player`` (handle ``fixtureplayer``), a channel of its own: ``vid-player``, long enough to resume,
# skip and seek in (PLAYER_DURATION s), with the site's chapters and a SponsorBlock segment.
PLAYER_CHANNEL_ID = "chan-player"
PLAYER_ID = "vid-player"
PLAYER_DURATION = 40
#: The site's chapters of PLAYER_ID: (start, end, title) in seconds.
PLAYER_CHAPTERS = ((0.0, 12.0, "Opening"), (12.0, 25.0, "The middle part"), (25.0, 40.0, "Ending"))
#: SponsorBlock segments of PLAYER_ID.
PLAYER_SPONSOR_SEGMENTS = ((16.0, 20.0, "sponsor"),)
VIDEOS[PLAYER_ID] = Video(id=PLAYER_ID, title="Video with chapters", upload_date="20231015",
                          duration=PLAYER_DURATION, channel_id=PLAYER_CHANNEL_ID, tab="videos",
                          description=f"Description of {PLAYER_ID}.", pattern="testsrc2", frequency=500,
                          chapters=PLAYER_CHAPTERS, sponsor_segments=PLAYER_SPONSOR_SEGMENTS)
CHANNELS[PLAYER_CHANNEL_ID] = Channel(id=PLAYER_CHANNEL_ID, handle="fixtureplayer", title="Fixture Player Channel",
                                      description="One longer video with chapters, for the player.",
                                      tabs={"videos": (PLAYER_ID,)}, page_size=4)

# --- the talk channel ---------------------------------------------------------------------------
# ``chan-talk`` (handle ``fixturetalk``): ``vid-talk``, the one video with comments (threads, a pinned one,
# one that disappears upstream on a switch) and automatic captions; tests/fixture_site/talk.py holds them.
TALK_CHANNEL_ID, TALK_ID = talk.TALK_CHANNEL_ID, talk.TALK_ID
VIDEOS[TALK_ID] = Video(id=TALK_ID, title="Ein Vortrag über Eichhörnchen", upload_date="20240528",
                        duration=talk.TALK_DURATION, channel_id=TALK_CHANNEL_ID, tab="videos",
                        description="Squirrels, nuts and what they forget.", pattern="smptebars", frequency=600)
CHANNELS[TALK_CHANNEL_ID] = Channel(id=TALK_CHANNEL_ID, handle="fixturetalk", title="Fixture Talk Channel",
                                    description="A video with comments and automatic captions.",
                                    tabs={"videos": (TALK_ID,)}, page_size=4)

# --- the playlists channel ----------------------------------------------------------------------
# ``chan-lists`` (handle ``fixturelists``): four videos and a playlists tab (``/channel/chan-lists/playlists``)
# listing PLAYLIST_ORDER, each playlist in an order of its own (not the uploads'): ``PLfxBest`` holds a video
# of chan-main, ``PLfxMixed`` a private entry (listed as YouTube lists one: "[Private video]"), and
# ``PLfxGone`` is the one a test takes down upstream (``site.taken_down.add("PLfxGone")``). Every playlist
# is also a URL of its own, ``/playlist?list=ID``, as YouTube's are; ``PLfxOther`` is in no channel's tab.
LISTS_CHANNEL_ID = "chan-lists"
LISTS_PRIVATE_ID = "vid-lists-hidden"
VIDEOS[LISTS_PRIVATE_ID] = Video(id=LISTS_PRIVATE_ID, title="[Private video]", upload_date="20230901", duration=2,
                                 channel_id=LISTS_CHANNEL_ID, tab="", status=PRIVATE)
for _n, _vid in enumerate(("vid-lists-01", "vid-lists-02", "vid-lists-03", "vid-lists-04")):
    VIDEOS[_vid] = Video(id=_vid, title=f"Lists channel video {_n + 1}",
                         upload_date=(dt.date(2023, 9, 30) - dt.timedelta(days=_n)).strftime("%Y%m%d"),
                         duration=2, channel_id=LISTS_CHANNEL_ID, tab="videos",
                         description=f"Description of {_vid}.", pattern=_PATTERNS[_n % len(_PATTERNS)],
                         frequency=700 + 31 * _n)
CHANNELS[LISTS_CHANNEL_ID] = Channel(id=LISTS_CHANNEL_ID, handle="fixturelists", title="Fixture Lists Channel",
                                     description="A channel with playlists.",
                                     tabs={"videos": ("vid-lists-01", "vid-lists-02", "vid-lists-03",
                                                      "vid-lists-04")}, page_size=4)


@dataclass(frozen=True)
class Playlist:
    id: str
    title: str
    description: str
    channel_id: str  # its owner ("" for none of the fixture's)
    video_ids: tuple[str, ...]


PLAYLISTS: dict[str, Playlist] = {p.id: p for p in (
    Playlist("PLfxMixed", "Mixed bag", "Four videos and a private one.", LISTS_CHANNEL_ID,
             ("vid-lists-04", LISTS_PRIVATE_ID, "vid-lists-02", "vid-lists-03")),
    Playlist("PLfxBest", "Best of lists", "With a video of the main channel.", LISTS_CHANNEL_ID,
             ("vid-lists-03", "vid-main-01", "vid-lists-01")),
    Playlist("PLfxGone", "Soon gone", "Taken down upstream by a test.", LISTS_CHANNEL_ID, ("vid-lists-02",)),
    Playlist("PLfxOther", "Another channel's list", "Added to a channel by its URL.", MAIN_CHANNEL_ID,
             ("vid-main-02", "vid-lists-01")),
)}
#: The playlists tab of each channel that has one, in the tab's order.
PLAYLIST_TABS: dict[str, tuple[str, ...]] = {LISTS_CHANNEL_ID: ("PLfxMixed", "PLfxBest", "PLfxGone")}
#: Entries of a playlist per page of the site's API (small, so paging is exercised).
PLAYLIST_PAGE_SIZE = 2

#: Tab order of each static tab, e.g. ``TABS[("chan-main", "videos")]``.
TABS: dict[tuple[str, str], tuple[str, ...]] = {
    (ch.id, tab): tuple(ids) for ch in CHANNELS.values() for tab, ids in ch.tabs.items()
}
#: Every video that has real media, in channel/tab order.
DOWNLOADABLE_IDS: tuple[str, ...] = tuple(v.id for v in VIDEOS.values() if v.has_media)
#: Items of ``/feeds/podcast.xml`` (direct mp4 links), in feed order.
FEED_VIDEO_IDS: tuple[str, ...] = ("vid-main-01", "vid-main-02", "vid-main-03")


# --- synthetic big channels -------------------------------------------------------------------

_BIG_CHANNEL_RE = re.compile(r"chan-big-(\d+)")
_BIG_HANDLE_RE = re.compile(r"fixturebig(\d+)")
_BIG_VIDEO_RE = re.compile(r"big-(\d+)-(\d+)")
_BIG_NEWEST = dt.date(2023, 12, 31)


class _BigIds(Sequence):
    """The ids of a big tab, computed on demand so ``chan-big-500000`` costs nothing."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.width = max(5, len(str(n)))

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.n))]
        if index < 0:
            index += self.n
        if not 0 <= index < self.n:
            raise IndexError(index)
        return f"big-{self.n}-{index + 1:0{self.width}d}"


def _big_n(match: re.Match | None) -> int | None:
    if match is None:
        return None
    n = int(match.group(1))
    return n if n <= BIG_MAX else None


def big_channel(n: int) -> Channel:
    """The synthetic channel ``chan-big-{n}``."""
    return Channel(
        id=f"chan-big-{n}",
        handle=f"fixturebig{n}",
        title=f"Fixture Big Channel {n}",
        description=f"A synthetic channel with {n} listing-only videos, for benchmarks.",
        tabs={"videos": _BigIds(n)},
        page_size=BIG_PAGE_SIZE,
    )


def _big_video(n: int, index: int) -> Video:
    vid = _BigIds(n)[index - 1]
    return Video(
        id=vid,
        title=f"Big channel {n} video {index}",
        description=f"Synthetic entry {index} of chan-big-{n}.",
        upload_date=(_BIG_NEWEST - dt.timedelta(days=index - 1)).strftime("%Y%m%d"),
        duration=60 + index % 600,
        channel_id=f"chan-big-{n}",
        tab="videos",
        status=LISTING_ONLY,
    )


# --- synthetic bench channels (real media) ---------------------------------------------------

_BENCH_CHANNEL_RE = re.compile(r"chan-bench-(\d+)")
_BENCH_HANDLE_RE = re.compile(r"fixturebench(\d+)")
_BENCH_VIDEO_RE = re.compile(r"bench-(\d+)-(\d+)")
#: Upper bound for ``chan-bench-N`` (every entry is downloadable, so keep it sane).
BENCH_MAX = 10_000
#: Seconds of every bench video (their mp4s are a few big generated files, see media.py).
BENCH_DURATION = 8
#: Static videos whose (JPEG) thumbnails bench videos reuse, in turn.
BENCH_SOURCES: tuple[str, ...] = tuple(
    v.id for v in VIDEOS.values()
    if v.status == PUBLIC and v.thumbnail_ext == "jpg" and not v.slow and v.id != WEIRD_ID
    and v.channel_id not in (MEMBERS_CHANNEL_ID, LISTS_CHANNEL_ID))  # the benches as they were before


class _BenchIds(_BigIds):
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.n))]
        return "bench-" + super().__getitem__(index).removeprefix("big-")


def _bench_n(match: re.Match | None) -> int | None:
    if match is None:
        return None
    n = int(match.group(1))
    return n if 1 <= n <= BENCH_MAX else None


def bench_channel(n: int) -> Channel:
    """The synthetic channel ``chan-bench-{n}``: n downloadable videos with real media."""
    return Channel(
        id=f"chan-bench-{n}",
        handle=f"fixturebench{n}",
        title=f"Fixture Bench Channel {n}",
        description=f"A synthetic channel with {n} downloadable videos, for end-to-end benchmarks.",
        tabs={"videos": _BenchIds(n)},
        page_size=BIG_PAGE_SIZE,
    )


def bench_index(video_id: str) -> int | None:
    """1-based position of a ``bench-N-i`` video in its channel, else None."""
    match = _BENCH_VIDEO_RE.fullmatch(video_id)
    return int(match.group(2)) if match and _bench_n(match) is not None else None


def _bench_video(n: int, index: int) -> Video:
    vid = _BenchIds(n)[index - 1]
    source = VIDEOS[BENCH_SOURCES[(index - 1) % len(BENCH_SOURCES)]]
    return Video(
        id=vid,
        title=f"Bench channel {n} video {index}",
        description=f"Synthetic downloadable entry {index} of chan-bench-{n}.",
        upload_date=(_BIG_NEWEST - dt.timedelta(days=index - 1)).strftime("%Y%m%d"),
        duration=BENCH_DURATION,
        channel_id=f"chan-bench-{n}",
        tab="videos",
        media_of=source.id,
        width=320,
        height=240,
        fps=25,
        pattern=source.pattern,
        frequency=source.frequency,
    )


# --- lookups ----------------------------------------------------------------------------------


def get_channel(channel_id: str) -> Channel | None:
    """The channel with this id (static or ``chan-big-N``), else None."""
    if channel_id in CHANNELS:
        return CHANNELS[channel_id]
    n = _big_n(_BIG_CHANNEL_RE.fullmatch(channel_id))
    if n is not None:
        return big_channel(n)
    n = _bench_n(_BENCH_CHANNEL_RE.fullmatch(channel_id))
    return bench_channel(n) if n is not None else None


def resolve_handle(handle: str) -> str | None:
    """Channel id for a handle (with or without the leading ``@``), else None."""
    handle = handle.removeprefix("@").lower()
    for channel in CHANNELS.values():
        if channel.handle == handle:
            return channel.id
    n = _big_n(_BIG_HANDLE_RE.fullmatch(handle))
    if n is not None:
        return f"chan-big-{n}"
    n = _bench_n(_BENCH_HANDLE_RE.fullmatch(handle))
    return f"chan-bench-{n}" if n is not None else None


def get_video(video_id: str) -> Video | None:
    """The video with this id (static, a synthetic ``big-N-i`` or ``bench-N-i``), else None."""
    if video_id in VIDEOS:
        return VIDEOS[video_id]
    match = _BENCH_VIDEO_RE.fullmatch(video_id)
    if match:
        n, index = _bench_n(match), int(match.group(2))
        if n is None or not 1 <= index <= n or _BenchIds(n)[index - 1] != video_id:
            return None
        return _bench_video(n, index)
    match = _BIG_VIDEO_RE.fullmatch(video_id)
    n = _big_n(match)
    if n is None:
        return None
    index = int(match.group(2))
    if not 1 <= index <= n or _BigIds(n)[index - 1] != video_id:
        return None
    return _big_video(n, index)


@dataclass(frozen=True)
class Page:
    """One page of a tab listing."""

    entries: list[Video]
    page: int
    page_size: int
    total: int
    next_page: int | None


def tab_page(channel: Channel, tab: str, page: int) -> Page:
    """Page ``page`` (1-based) of ``channel``'s ``tab``; past the end gives an empty page."""
    ids = channel.tabs[tab]
    start = (page - 1) * channel.page_size
    stop = start + channel.page_size
    entries = [get_video(vid) for vid in ids[start:stop]] if page >= 1 else []
    more = page >= 1 and stop < len(ids)
    return Page(entries, page, channel.page_size, len(ids), page + 1 if more else None)
