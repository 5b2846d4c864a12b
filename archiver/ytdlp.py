"""The one module that imports yt_dlp.

yt-dlp's library defaults differ from its command line (``retries`` is 0 in
the library, for one), so every option the archiver relies on is set here
explicitly. Three jobs:

* ``probe``: what a pasted URL is (a channel or playlist, its stable id).
* ``iter_tabs``: stream a channel's entries tab by tab, page by page, without
  holding the listing in memory (``process=False`` keeps yt-dlp's entries lazy).
* ``download``: one video into a folder, renamed to the archive's file names; the
  partial files an earlier attempt left in that folder are resumed (``continuedl``).
  Each thread keeps one ``YoutubeDL`` for its downloads (building one costs
  ~60 ms, mostly ordering its ~1,750 extractors: half of a small video's CPU),
  as the yt-dlp command line does for a list of URLs.

Every call into yt-dlp runs inside ``netguard.guarded()``: each connection it
makes (pages, media, fragments, thumbnails, subtitles, redirects) is checked
at connect time against YTARCHIVE_ALLOW_PRIVATE_URLS (``protect`` installs
the check once per process). Downloads use yt-dlp's own downloaders only, so
no ffmpeg child fetches anything outside that check.
"""
from __future__ import annotations

import itertools
import logging
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yt_dlp
from yt_dlp.networking.impersonate import ImpersonateTarget
from yt_dlp.utils import DateRange, DownloadError, ExtractorError, YoutubeDLError, unsmuggle_url

from archiver import extractor_args, failure_reasons, netguard, tree, upstream_text
from archiver.channel_options import Profile, download_params, published_too_early
from archiver.errors import UserError
from archiver.ids import channel_key, is_safe_id, safe_id
from archiver.vocabulary import Availability, FailureKind, FailureReason

log = logging.getLogger(__name__)
VERSION = yt_dlp.version.__version__  # its release date, for "your yt-dlp is N days old"

YOUTUBE_TABS = ("videos", "shorts", "streams")
DESCRIPTION_CHARS = 10_000  # YouTube allows 5,000; a description is reported with the outcome, so bounded
_NESTED_IE = re.compile(r"(Tab|Playlist|Channel|User|Feed)$")
_MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Options:
    """The download knobs (from settings), passed in the task message as plain values."""

    format: str = "bestvideo*+bestaudio/best"
    socket_timeout: float = 30.0
    http_retries: int = 10
    rate_limit: int = 0  # bytes/s, 0 = unlimited
    profile: Profile = field(default_factory=Profile)  # the channel's quality, container, audio, pacing
    sponsorblock_api: str = "https://sponsor.ajay.app"
    cookiefile: str = ""  # a private copy of the channel's cookies (archiver.cookies), for this use only
    extractor_args: str = ""  # the channel's, checked (archiver.extractor_args), over the process's own
    # The egress identity this read goes out through (archiver.egress): a source address or a proxy.
    source_address: str = ""
    proxy: str = ""  # resolved from the worker's own settings, never from a message

    @classmethod
    def from_request(cls, options, cookiefile: str = "") -> Options:
        """From a message's ``DownloadOptions`` (already parsed strictly)."""
        return cls(format=options.format, socket_timeout=options.socket_timeout,
                   http_retries=options.http_retries, rate_limit=options.profile.rate_limit, profile=options.profile,
                   sponsorblock_api=options.sponsorblock_api or cls.sponsorblock_api, cookiefile=cookiefile,
                   extractor_args=options.profile.extractor_args)


@dataclass(frozen=True)
class Environment:
    """What every YoutubeDL of this process shares, from its settings (``configure``): the same in
    listings, page reads and downloads, so a worker pod and the control side see YouTube alike."""

    pot_provider_url: str = ""  # a bgutil PO-token server (YTARCHIVE_POT_PROVIDER_URL); "": the plugin idles
    impersonate: str = ""  # a browser target (YTARCHIVE_IMPERSONATE); "": yt-dlp's own choice
    cache_dir: str = ""  # player JS and signatures, on storage every worker shares; "": no cache

    def pot_args(self) -> extractor_args.ExtractorArgs:
        """The plugin's documented argument (its README: ``youtubepot-bgutilhttp:base_url``); without a
        server, no PO token is asked for (``youtube:fetch_pot=never``), so the plugin never warns."""
        if not self.pot_provider_url:
            return {"youtube": {"fetch_pot": ["never"]}}
        return {"youtubepot-bgutilhttp": {"base_url": [self.pot_provider_url]}}


_environment = Environment()


def configure(environment: Environment) -> None:
    """Set what this process's YoutubeDLs share (once, at start; ``check_impersonate`` has vetted it)."""
    global _environment
    _environment = environment


def check_impersonate(target: str) -> None:
    """ValueError unless yt-dlp can impersonate ``target`` here (YoutubeDL refuses an unavailable one)."""
    try:
        with yt_dlp.YoutubeDL({"impersonate": ImpersonateTarget.from_str(target), "logger": _Logger(),
                               "quiet": True, "cachedir": False}):
            pass
    except (ValueError, YoutubeDLError) as exc:
        raise ValueError(f"{_clean(exc)} (yt-dlp --list-impersonate-targets lists the ones it has)") from exc


def _environment_params(opts: Options) -> dict:
    params = {"cachedir": _environment.cache_dir or False,
              "extractor_args": extractor_args.merge(_environment.pot_args(),
                                                     extractor_args.parse(opts.extractor_args))}
    if _environment.impersonate:
        params["impersonate"] = ImpersonateTarget.from_str(_environment.impersonate)
    return params


def environment_report() -> list[str]:
    """yt-dlp's own verbose header and PO-token provider list in this process, for its log at start.

    Its ``params`` line is left out: it would print every option, a proxy's password among them.
    """
    said: list[str] = []

    class Capture(_Logger):
        def debug(self, msg):
            said.append(msg)

    params = {**_base_params(Options()), "logger": Capture(), "verbose": True}
    with yt_dlp.YoutubeDL(params) as ydl, netguard.guarded():
        ydl.get_info_extractor("Youtube").initialize()  # sets up its PO-token providers; no request made
    return [*(line for line in said if not line.startswith("[debug] params:")),
            f"[ytarchive] extractor args: {extractor_args.format_args(params['extractor_args'])}",
            f"[ytarchive] impersonate: {_environment.impersonate or 'yt-dlp chooses'}",
            f"[ytarchive] cache: {_environment.cache_dir or 'none'}"]


class Skipped(Exception):
    """A video the channel's options leave out, known only once its metadata is read (its date)."""

    def __init__(self, reason: str, upload_date: str = ""):
        super().__init__(reason)
        self.upload_date = upload_date


@dataclass(frozen=True)
class ChannelProbe:
    key: str  # the project's channel id (safe for paths)
    raw_id: str
    extractor: str
    url: str
    title: str
    description: str = ""
    uploader: str = ""
    thumbnail: str = ""


@dataclass(frozen=True)
class Entry:
    """One video as a listing sees it."""

    video_id: str  # path-safe
    raw_id: str
    url: str
    title: str
    duration: float | None = None
    upload_date: str | None = None
    view_count: int | None = None
    description: str = ""  # what the listing says (a feed's item does); kept when the video is first listed


@dataclass(frozen=True)
class VideoFacts:
    """What a video's page says now, for its metadata history (None: the page does not say)."""

    availability: str  # public, unlisted, private, removed, needs_auth, subscriber_only, premium_only
    title: str | None = None
    description: str | None = None
    view_count: int | None = None
    like_count: int | None = None


@dataclass
class DownloadResult:
    video_file: str
    title: str
    size_bytes: int
    subtitles: list[str] = field(default_factory=list)
    format_id: str = ""
    height: int = 0
    duration: float | None = None
    upload_date: str | None = None
    description: str = ""  # the page's, stored on the video with its outcome (feeds and pages never read files)


class _Logger:
    """Route yt-dlp's chatter into ``logging`` (it would print to stdout otherwise)."""

    def __init__(self, context: str = ""):
        self.context = context

    def debug(self, msg):
        log.debug("%s%s", self.context, msg)

    def info(self, msg):
        log.debug("%s%s", self.context, msg)

    def warning(self, msg):
        log.info("%syt-dlp warning: %s", self.context, msg)

    def error(self, msg):
        log.info("%syt-dlp error: %s", self.context, msg)


def protect(policy: netguard.AddressPolicy) -> None:
    """Check every connection yt-dlp makes in this process against ``policy`` (from the settings)."""
    netguard.set_policy(policy)
    netguard.install()


def _guarded_iter(items) -> Iterator:
    """``items`` advanced inside the guard, handed to the caller outside it (its database, its Redis)."""
    items = iter(items)
    while True:
        with netguard.guarded():
            try:
                item = next(items)
            except StopIteration:
                return
        yield item


def _base_params(opts: Options, context: str = "") -> dict:
    return {
        "logger": _Logger(context),
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "color": {"stdout": "no_color", "stderr": "no_color"},
        "socket_timeout": opts.socket_timeout,
        "retries": opts.http_retries,
        "fragment_retries": opts.http_retries,
        "file_access_retries": 3,
        "extractor_retries": 0,  # transient extractor errors are retried by Celery, with backoff
        "ignoreerrors": False,
        **_environment_params(opts),
        "call_home": False,
        "js_runtimes": _js_runtimes(),
        "noplaylist": False,
        # Never logged, never kept: a private copy made for this one listing or download.
        "cookiefile": opts.cookiefile or None,
        "sleep_interval_requests": opts.profile.sleep_requests or None,
        **({"source_address": opts.source_address} if opts.source_address else {}),
        **({"proxy": opts.proxy} if opts.proxy else {}),
    }


def _js_runtimes() -> dict:
    """deno for YouTube's player challenges: the one installed beside this Python, else from PATH."""
    deno = Path(sys.executable).with_name("deno")
    return {"deno": {"path": str(deno)} if deno.exists() else {}}


def _listing_params(opts: Options) -> dict:
    return {**_base_params(opts), "extract_flat": "in_playlist", "lazy_playlist": True}


def _extract(ydl, url: str, ie_key: str | None = None) -> dict:
    """Extract without processing (entries stay lazy), following URL redirect results."""
    info = ydl.extract_info(url, download=False, process=False, ie_key=ie_key)
    for _ in range(_MAX_REDIRECTS):
        if info.get("_type") not in ("url", "url_transparent"):
            return info
        info = ydl.extract_info(info["url"], download=False, process=False, ie_key=info.get("ie_key"))
    raise UserError("The URL redirects too many times.")


def probe(url: str, opts: Options | None = None) -> ChannelProbe:
    """What the URL is: a channel or playlist with a stable id, or UserError saying why not."""
    opts = opts or Options()
    with yt_dlp.YoutubeDL(_listing_params(opts)) as ydl, netguard.guarded():
        try:
            info = _extract(ydl, url)
        except (DownloadError, ExtractorError) as exc:
            raise UserError(f"yt-dlp cannot list this URL: {_clean(exc)}") from exc
        except UserError:
            raise
        except Exception as exc:  # an extractor's own bug: still the user's answer is a 400, not a 500
            log.warning("yt-dlp failed unexpectedly on %s", url, exc_info=True)
            raise UserError(f"yt-dlp cannot list this URL: {_clean(exc)}") from exc
    if info.get("_type") != "playlist":
        raise UserError("That URL is a single video, not a channel or playlist.")
    raw_id = str(info.get("channel_id") or info.get("id") or "")
    if not raw_id:
        raise UserError("yt-dlp found no id for this channel or playlist.")
    extractor = str(info.get("extractor_key") or info.get("ie_key") or "site")
    if extractor.startswith("Youtube") and info.get("channel_id") and info.get("id") != info.get("channel_id"):
        # A YouTube playlist: keep the playlist's own id, not its owner's.
        if not str(info.get("id", "")).startswith("UC"):
            raw_id = str(info["id"])
    thumbs = info.get("thumbnails") or []
    return ChannelProbe(
        key=channel_key(extractor if not extractor.startswith("Youtube") else "youtube", raw_id),
        raw_id=raw_id,
        extractor=extractor,
        url=_canonical_listing_url(info, raw_id, url),
        title=str(info.get("channel") or info.get("title") or raw_id)[:500],
        description=str(info.get("description") or "")[:20000],
        uploader=str(info.get("uploader") or info.get("channel") or "")[:500],
        thumbnail=str(thumbs[-1].get("url", "")) if thumbs else "",
    )


MAX_IMAGE_BYTES = 5_000_000


def video_info(url: str, opts: Options | None = None) -> dict:
    """A video's metadata as yt-dlp's --write-info-json would keep it, without downloading (an import)."""
    opts = opts or Options()
    with yt_dlp.YoutubeDL({**_base_params(opts), "noplaylist": True}) as ydl, netguard.guarded():
        try:
            return ydl.sanitize_info(ydl.extract_info(url, download=False, process=False))
        finally:
            netguard.take_refusals()
# Permanent failures of a video's page that ask for an account (the rest: removed upstream).
_ASKS_FOR_ACCOUNT = (FailureReason.PRIVATE, FailureReason.MEMBERS_ONLY, FailureReason.AGE_RESTRICTED)


def video_facts(url: str, opts: Options | None = None) -> VideoFacts:
    """The video's page now, without downloading: title, description, counts, availability.

    A page that is gone for good says so as the availability (``private`` when
    it asks for an account, ``removed`` otherwise); a transient error raises.
    """
    opts = opts or Options()
    with yt_dlp.YoutubeDL({**_base_params(opts), "noplaylist": True}) as ydl, netguard.guarded():
        try:
            info = ydl.extract_info(url, download=False, process=False)
        except (DownloadError, ExtractorError) as exc:
            kind, reason = classify(exc)
            cause = failure_reasons.reason_of(kind, reason)
            if kind is not FailureKind.PERMANENT or cause is FailureReason.ADDRESS_REFUSED:
                raise
            return VideoFacts(availability=Availability.PRIVATE if cause in _ASKS_FOR_ACCOUNT else Availability.REMOVED)
        finally:
            netguard.take_refusals()

    def count(name):
        value = info.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return VideoFacts(availability=str(info.get("availability") or Availability.PUBLIC),
                      title=str(info["title"])[:1000] if info.get("title") else None,
                      description=str(info["description"])[:20000] if info.get("description") is not None else None,
                      view_count=count("view_count"), like_count=count("like_count"))



def fetch_image(url: str, opts: Options | None = None) -> bytes | None:
    """A channel's avatar, for its poster: fetched by yt-dlp's own HTTP stack under the address check.

    None when it cannot be had (too big, refused, unreachable): a poster is never worth a failed sync.
    """
    opts = opts or Options()
    try:
        with yt_dlp.YoutubeDL(_listing_params(opts)) as ydl, netguard.guarded():
            with ydl.urlopen(url) as response:
                data = response.read(MAX_IMAGE_BYTES + 1)
    except Exception as exc:
        log.info("no poster from %s: %s", url[:200], _clean(exc))
        return None
    finally:
        netguard.take_refusals()
    return data if 0 < len(data) <= MAX_IMAGE_BYTES else None


def _canonical_listing_url(info: dict, raw_id: str, given: str) -> str:
    """The channel's own URL when the listing is a channel (a handle becomes /channel/ID)."""
    if info.get("channel_url") and raw_id == info.get("channel_id"):
        return str(info["channel_url"])
    return given


def _is_youtube_channel(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.strip("/").split("/")
    return parts.hostname == "www.youtube.com" and (
        path[0] in {"channel", "c", "user"} or path[0].startswith("@")
    )


def iter_tabs(url: str, opts: Options | None = None) -> Iterator[tuple[str, Iterator[Entry]]]:
    """Yield ``(tab name, lazy entries)`` for every tab of a channel (or one, for a playlist).

    Entries are fetched page by page as the caller iterates; a caller that stops
    early (an incremental sync reaching a known video) fetches no more pages.
    """
    for tab, entries in _guarded_iter(_iter_tabs(url, opts)):
        yield tab, _guarded_iter(entries)


def _iter_tabs(url: str, opts: Options | None) -> Iterator[tuple[str, Iterator[Entry]]]:
    opts = opts or Options()
    with yt_dlp.YoutubeDL(_listing_params(opts)) as ydl:
        if _is_youtube_channel(url):
            for tab in YOUTUBE_TABS:
                try:
                    info = _extract(ydl, f"{url}/{tab}")
                except (DownloadError, ExtractorError) as exc:
                    if "does not have a" in str(exc):
                        continue  # e.g. no shorts tab on this channel
                    raise
                yield tab, _entries(ydl, info.get("entries") or [])
            return
        info = _extract(ydl, url)
        if info.get("_type") != "playlist":
            raise UserError("That URL is a single video, not a channel or playlist.")
        items = iter(info.get("entries") or [])
        first = next(items, None)
        if first is None:
            return
        if not _is_nested(first):
            # A flat playlist of videos (a playlist, a feed, a site without tabs).
            yield "uploads", _entries(ydl, itertools.chain([first], items))
            return
        # A channel page that lists its tabs, as YouTube's does.
        for item in itertools.chain([first], items):
            if _is_nested(item):
                sub = _resolve_nested(ydl, item)
                yield _tab_name(item, sub), _entries(ydl, sub.get("entries") or [])


def _resolve_nested(ydl, item: dict) -> dict:
    if item.get("_type") == "playlist":
        return item
    return _extract(ydl, item["url"], item.get("ie_key"))


def _is_nested(item: dict) -> bool:
    if not isinstance(item, dict):
        return False
    if item.get("_type") == "playlist":
        return True
    return item.get("_type") in ("url", "url_transparent") and bool(
        _NESTED_IE.search(str(item.get("ie_key") or ""))
    )


def _tab_name(item: dict, sub: dict) -> str:
    path = urlsplit(str(item.get("url") or "")).path.rstrip("/")
    name = path.rsplit("/", 1)[-1] if path else str(sub.get("title") or "tab")
    return safe_id(name.lower())[:30] or "tab"


def _entries(ydl, items) -> Iterator[Entry]:
    for item in items:
        if _is_nested(item):
            yield from _entries(ydl, _resolve_nested(ydl, item).get("entries") or [])
            continue
        entry = _to_entry(item)
        if entry:
            yield entry


def _to_entry(item) -> Entry | None:
    if not isinstance(item, dict):
        return None
    url = str(item.get("url") or item.get("webpage_url") or "")
    raw_id = str(item.get("id") or _id_from_url(url))
    if not raw_id or not url:
        return None
    duration = item.get("duration")
    return Entry(
        video_id=safe_id(raw_id),
        raw_id=raw_id,
        url=url,
        title=str(item.get("title") or raw_id)[:1000],
        duration=float(duration) if isinstance(duration, (int, float)) else None,
        upload_date=str(item["upload_date"]) if item.get("upload_date") else None,
        view_count=item["view_count"] if isinstance(item.get("view_count"), int) else None,
        description=str(item.get("description") or ""),
    )


def _id_from_url(url: str) -> str:
    """An id for an entry that has none (feeds, generic pages): the smuggled id or the file name."""
    plain, data = unsmuggle_url(url, {})
    if isinstance(data, dict) and data.get("force_videoid"):
        return str(data["force_videoid"])
    name = urlsplit(plain).path.rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else (name or plain)


class _ProgressSlot:
    """The one progress hook a reused YoutubeDL has; it calls the current download's hook."""

    def __init__(self):
        self.hook: Callable[[dict], None] | None = None

    def __call__(self, d: dict) -> None:
        if self.hook is not None:
            with netguard.unguarded():  # our hook talks to Redis, the app's own connection
                self.hook(d)


class _ExtractedSlot:
    """yt-dlp's documented ``match_filter``, used only to learn that a video's page has been read
    (it runs after extraction, before any media is fetched): the egress budget dates its start here."""

    def __init__(self):
        self.hook: Callable[[], None] | None = None

    def __call__(self, info: dict, *, incomplete: bool = False) -> None:
        if self.hook is not None:
            with netguard.unguarded():  # our hook talks to Redis
                self.hook()
        return None  # never filters anything out


@dataclass
class _Downloader:
    opts: Options
    ydl: yt_dlp.YoutubeDL
    logger: _Logger
    progress: _ProgressSlot
    extracted: _ExtractedSlot = field(default_factory=_ExtractedSlot)


_per_thread = threading.local()


def _downloader(opts: Options) -> _Downloader:
    """This thread's YoutubeDL for ``opts``, built on first use (or when the options change)."""
    current = getattr(_per_thread, "downloader", None)
    if current is None or current.opts != opts:
        logger, progress, extracted = _Logger(), _ProgressSlot(), _ExtractedSlot()
        ydl = yt_dlp.YoutubeDL(_download_params(opts, logger, progress, extracted))
        current = _per_thread.downloader = _Downloader(opts, ydl, logger, progress, extracted)
    return current


def _forget_downloader() -> None:
    """Drop this thread's YoutubeDL (after a failure, so no state of it leaks into the next video)."""
    _per_thread.downloader = None


def download(
    url: str,
    temp_dir: Path,
    opts: Options,
    on_progress: Callable[[dict], None] | None = None,
    context: str = "",
    on_extracted: Callable[[], None] | None = None,
) -> DownloadResult:
    """Download one video into ``temp_dir`` and lay it out as the archive tree wants.

    Raises yt-dlp's DownloadError on failure; ``classify`` says whether to retry;
    ``Skipped`` when the video was published before the channel's cutoff.
    Only ``params["paths"]`` (a documented option) changes between the videos
    a thread's YoutubeDL downloads. A download with cookies gets a YoutubeDL of
    its own, closed afterwards, so no cookie outlives it in a reused one.
    """
    if opts.cookiefile:
        logger, progress, extracted = _Logger(), _ProgressSlot(), _ExtractedSlot()
        downloader = _Downloader(opts, yt_dlp.YoutubeDL(_download_params(opts, logger, progress, extracted)),
                                 logger, progress, extracted)
    else:
        downloader = _downloader(opts)
    downloader.ydl.params["paths"] = {"home": str(temp_dir), "temp": str(temp_dir)}
    downloader.logger.context = context
    downloader.progress.hook = on_progress
    downloader.extracted.hook = on_extracted  # the video's page has been read (archiver.egress)
    netguard.take_refusals()
    try:
        with netguard.guarded():
            info = downloader.ydl.extract_info(url, download=True)
        refused = netguard.take_refusals()
        if refused:  # a thumbnail yt-dlp only warned about counts as much as the media
            raise DownloadError(refused[0])
        info = downloader.ydl.sanitize_info(info)
    except BaseException as exc:
        if not opts.cookiefile:
            _forget_downloader()
        refused = netguard.take_refusals()
        if refused and not isinstance(exc, DownloadError | KeyboardInterrupt | SystemExit):
            raise DownloadError(refused[0]) from exc
        if refused and netguard.SETTING not in str(exc):
            raise DownloadError(refused[0]) from exc
        raise
    finally:
        downloader.progress.hook = downloader.extracted.hook = None
        downloader.logger.context = ""
        if opts.cookiefile:
            downloader.ydl.close()
    if published_too_early(info.get("upload_date"), opts.profile):  # yt-dlp's daterange kept it off disk
        raise Skipped(f"published {info['upload_date']}, before the channel's cutoff "
                      f"{opts.profile.published_after}", str(info["upload_date"]))
    return _lay_out(Path(temp_dir), info, url)


def _download_params(opts: Options, logger: _Logger, progress: _ProgressSlot,
                     extracted: _ExtractedSlot | None = None) -> dict:
    chosen, extra = download_params(opts.profile, opts.format, opts.sponsorblock_api)  # archiver.channel_options
    if opts.profile.published_after:
        chosen["daterange"] = DateRange(start=opts.profile.published_after)
    return {
        **_base_params(opts),
        **chosen,
        "logger": logger,
        "noplaylist": True,
        "outtmpl": {"default": f"{tree.VIDEO_FILE_STEM}.%(ext)s"},
        # Resume what an earlier attempt left in the download folder (archiver.tree.claim_download_dir):
        # a ``.part`` file goes on from its size (HTTP Range), a fragmented one from its ``.ytdl`` index,
        # and a format file already complete (a merge's parts) is kept, not fetched again. None: yt-dlp
        # keeps existing video files and rewrites metadata files (info.json, thumbnail, subtitles).
        "overwrites": None,
        "continuedl": True,
        "writeinfojson": True,
        "writethumbnail": True,
        "writesubtitles": True,
        "writeautomaticsub": False,
        "subtitleslangs": ["all", "-live_chat"],
        "subtitlesformat": "vtt/best",
        "ratelimit": opts.rate_limit or None,
        # yt-dlp's own downloaders for every protocol: an external one (ffmpeg, aria2c) would
        # connect from a child process, outside netguard's check.
        "external_downloader": {"default": "native"},
        "postprocessors": [
            {"key": "FFmpegSubtitlesConvertor", "format": "vtt", "when": "before_dl"},
            {"key": "FFmpegThumbnailsConvertor", "format": "jpg", "when": "before_dl"},
            *extra,
        ],
        "progress_hooks": [progress],
        "match_filter": extracted,
    }


def _lay_out(temp_dir: Path, info: dict, url: str) -> DownloadResult:
    """Rename yt-dlp's outputs to the archive's names inside the (still private) temp folder. The title is
    the page's own, or "" when it has none (a file name is no title: archiver.upstream_text)."""
    stem = tree.VIDEO_FILE_STEM
    subs_dir = temp_dir / tree.SUBTITLES_DIR
    subtitles = []
    for path in sorted(temp_dir.glob(f"{stem}.*.vtt")):
        lang = path.name[len(stem) + 1 : -len(".vtt")]
        if not is_safe_id(lang):
            lang = safe_id(lang)
        subs_dir.mkdir(exist_ok=True)
        path.rename(subs_dir / f"{lang}.vtt")
        subtitles.append(lang)
    thumb = temp_dir / f"{stem}.jpg"
    if thumb.exists():
        thumb.rename(temp_dir / tree.THUMBNAIL_FILE)
    for leftover in temp_dir.glob(f"{stem}.*"):
        if leftover.suffix in {".webp", ".png", ".image", ".jpeg"}:
            leftover.unlink()  # an unconverted thumbnail copy
    videos = [
        p for p in temp_dir.glob(f"{stem}.*")
        if p.name != tree.INFO_FILE and p.is_file() and not p.name.endswith((".part", ".ytdl"))
    ]
    if len(videos) != 1:
        raise DownloadError(f"expected one video file, found {[p.name for p in videos]}")
    duration = info.get("duration")
    return DownloadResult(
        video_file=videos[0].name,
        title=upstream_text.page_title(info, url)[:1000],
        size_bytes=tree.dir_size(temp_dir),
        subtitles=subtitles,
        duration=float(duration) if isinstance(duration, (int, float)) else None,
        upload_date=str(info["upload_date"]) if info.get("upload_date") else None,
        format_id=str(info.get("format_id") or "")[:100],
        height=int(info["height"]) if isinstance(info.get("height"), int) else 0,
        description=str(info.get("description") or "")[:DESCRIPTION_CHARS],
    )


def classify(exc: BaseException) -> tuple[FailureKind, str]:
    """``(kind, reason)``, the kind permanent, transient or blocked: only transient failures are worth a retry.

    The text decides (``archiver.failure_reasons``, which also names the cause for people).
    """
    reason = _clean(exc)
    return failure_reasons.classify_text(reason)[1], reason


def _clean(exc: BaseException) -> str:
    text = str(exc).replace("ERROR: ", "").strip()
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return text[:1000] or exc.__class__.__name__
