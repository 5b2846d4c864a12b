"""One video downloaded into a folder and renamed to the archive's file names.

The partial files an earlier attempt left in that folder are resumed (``continuedl``).
Each thread keeps one ``YoutubeDL`` for its downloads (building one costs
~60 ms, mostly ordering its ~1,750 extractors: half of a small video's CPU),
as the yt-dlp command line does for a list of URLs. Downloads use yt-dlp's own
downloaders only, so no ffmpeg child fetches anything outside netguard's check.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yt_dlp
from yt_dlp.utils import DateRange, DownloadError

from archiver import netguard, tree, upstream_text
from archiver.channel_options import download_params, published_too_early
from archiver.ids import is_safe_id, safe_id
from archiver.ytdlp import comments_captions
from archiver.ytdlp.failures import Skipped
from archiver.ytdlp.params import Logger, Options, base_params

DESCRIPTION_CHARS = 10_000  # YouTube allows 5,000; a description is reported with the outcome, so bounded


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
    logger: Logger
    progress: _ProgressSlot
    extracted: _ExtractedSlot = field(default_factory=_ExtractedSlot)


_per_thread = threading.local()


def _downloader(opts: Options) -> _Downloader:
    """This thread's YoutubeDL for ``opts``, built on first use (or when the options change)."""
    current = getattr(_per_thread, "downloader", None)
    if current is None or current.opts != opts:
        logger, progress, extracted = Logger(), _ProgressSlot(), _ExtractedSlot()
        ydl = comments_captions.CommentsOptionalYoutubeDL(_download_params(opts, logger, progress, extracted))
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
        logger, progress, extracted = Logger(), _ProgressSlot(), _ExtractedSlot()
        ydl = comments_captions.CommentsOptionalYoutubeDL(_download_params(opts, logger, progress, extracted))
        downloader = _Downloader(opts, ydl, logger, progress, extracted)
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
            auto = (comments_captions.write_auto_captions(downloader.ydl, info, temp_dir, context)
                    if opts.profile.auto_captions and info else [])
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
    result = _lay_out(Path(temp_dir), info, url)
    result.subtitles += [f"{lang}{tree.AUTO_SUFFIX}" for lang in auto]
    comments = comments_captions.comments_document(info, str(info.get("id") or ""), opts.profile)
    if comments is not None:  # the folder is still private: it appears whole with the rest
        tree.write_json_atomic(tree.comments_file(temp_dir), comments)
    return result


def _download_params(opts: Options, logger: Logger, progress: _ProgressSlot,
                     extracted: _ExtractedSlot | None = None) -> dict:
    chosen, extra = download_params(opts.profile, opts.format, opts.sponsorblock_api)  # archiver.channel_options
    if opts.profile.published_after:
        chosen["daterange"] = DateRange(start=opts.profile.published_after)
    base = base_params(opts)
    return {
        **base,
        **chosen,
        **comment_args(opts, base["extractor_args"]),
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


def comment_args(opts: Options, merged_args: dict) -> dict:
    """``getcomments`` and YouTube's comment arguments for the channel's profile (comments_captions)."""
    return comments_captions.comment_params(opts.profile, merged_args)


def _lay_out(temp_dir: Path, info: dict, url: str) -> DownloadResult:
    """Rename yt-dlp's outputs to the archive's names inside the (still private) temp folder. The title is
    the page's own, or "" when it has none (a file name is no title: archiver.upstream_text)."""
    stem = tree.VIDEO_FILE_STEM
    subs_dir = tree.subtitles_dir(temp_dir)
    subtitles = []
    for path in sorted(temp_dir.glob(f"{stem}.*.vtt")):
        lang = path.name[len(stem) + 1 : -len(".vtt")]
        if not is_safe_id(lang):
            lang = safe_id(lang)
        subs_dir.mkdir(exist_ok=True)
        path.rename(tree.subtitle_file(temp_dir, lang))
        subtitles.append(lang)
    thumb = temp_dir / f"{stem}.jpg"
    if thumb.exists():
        thumb.rename(tree.thumbnail_file(temp_dir))
    for leftover in temp_dir.glob(f"{stem}.*"):
        if leftover.suffix in {".webp", ".png", ".image", ".jpeg"}:
            leftover.unlink()  # an unconverted thumbnail copy
        elif leftover.suffix == ".tmp" and leftover.is_file():
            leftover.unlink()  # yt-dlp's half-written info.json of an attempt killed mid-write (its temp name)
    videos = [
        p for p in temp_dir.glob(f"{stem}.*")
        # video.nfo too: a folder resumed after a kill between the NFO and the rename still holds one
        if p.name not in (tree.INFO_FILE, tree.NFO_FILE) and p.is_file() and not p.name.endswith((".part", ".ytdl"))
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
