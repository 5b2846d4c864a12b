"""What a video's comments and automatic captions mean to yt-dlp, and fetching them with it.

Comments: yt-dlp's ``getcomments`` with YouTube's own extractor arguments (``youtube:comment_sort``,
``youtube:max_comments``), from the channel's ``comments``/``comments_max`` (archiver.channel_options
``comment_request``); a channel's own extractor arguments still win. yt-dlp puts them in the info
(``comments``); archiver.comments_file keeps them as ``comments.json``.

Automatic captions: yt-dlp's ``writeautomaticsub`` would skip a language that has a person's subtitles
(one file per language) and, on YouTube, fetch every machine translation it offers (over a hundred). So
the original tracks alone (no ``tlang`` translation parameter; YouTube's ``-orig`` suffix dropped) are
fetched by the YoutubeDL that downloaded the video (``YoutubeDL.dl``, the way it writes subtitles, so
netguard checks each connection), as ``subtitles/{lang}.auto.vtt`` beside the manual ``{lang}.vtt``.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yt_dlp
from yt_dlp.utils import DownloadError

from archiver import comments_file, tree
from archiver.channel_options import Profile, comment_request
from archiver.ids import is_safe_id
from archiver.ytdlp import extractor_args

log = logging.getLogger("archiver.ytdlp")
MOST_AUTO_LANGS = 8  # a video's own speech is in one language or two; anything past this is translations


class CommentsOptionalYoutubeDL(yt_dlp.YoutubeDL):
    """A YoutubeDL whose read of a video's comments may fail without failing the video: yt-dlp reads them
    (its ``post_extract``, the one hook of its public API that runs ``getcomments``) before it fetches the
    media, and raises when that read fails, so one broken comment page would fail the download for good.
    Comments are extras: the video is archived without comments.json, and the history refresh reads them
    again. Every other error (the page, the media, netguard's refusals) still fails as before."""

    @staticmethod
    def post_extract(info_dict):
        try:
            yt_dlp.YoutubeDL.post_extract(info_dict)
        except Exception as exc:  # comments are the only post-extractor yt-dlp has
            log.warning("comments not read video=%s (archived without them; the history refresh reads them "
                        "again): %s", (info_dict or {}).get("id"), exc)
            if isinstance(info_dict, dict):
                info_dict.pop("comments", None)


def comment_params(profile: Profile, channel_args: extractor_args.ExtractorArgs) -> dict:
    """yt-dlp params asking for the comments ``profile`` wants (none: ``getcomments`` off), the channel's own
    extractor arguments (``channel_args``, already merged over the process's) over ours."""
    asked = comment_request(profile)
    if asked is None:
        return {"getcomments": False}
    sort, most = asked
    ours = {"youtube": {"comment_sort": [sort], "max_comments": [str(most) if most else "all"]}}
    return {"getcomments": True, "extractor_args": extractor_args.merge(ours, channel_args)}


def comments_document(info: dict, video_id: str, profile: Profile, now: dt.datetime | None = None) -> dict | None:
    """The comments.json document of what yt-dlp read (None when none were asked for or the site has none
    to give: ``comments`` absent). Complete when the read ended before the bound."""
    asked = comment_request(profile)
    comments = info.get("comments")
    if asked is None or not isinstance(comments, list):
        return None
    sort, most = asked
    complete = info.get("comment_count") is not None and (not most or len(comments) < most)
    return comments_file.document(video_id, comments, sort, complete, now or dt.datetime.now(dt.UTC))


def original_auto_tracks(info: dict) -> dict[str, dict]:
    """lang -> the vtt format of each automatic-caption track in the video's own speech (translations left
    out), at most MOST_AUTO_LANGS."""
    tracks: dict[str, dict] = {}
    for key, formats in (info.get("automatic_captions") or {}).items():
        lang = str(key).removesuffix("-orig")
        vtt = [f for f in formats or () if isinstance(f, dict) and f.get("ext") == "vtt" and f.get("url")]
        if not vtt or lang in tracks or not is_safe_id(lang):
            continue
        if "tlang" in parse_qs(urlsplit(str(vtt[0]["url"])).query):
            continue  # a machine translation of another track
        tracks[lang] = vtt[0]
        if len(tracks) >= MOST_AUTO_LANGS:
            break
    return tracks


def write_auto_captions(ydl: yt_dlp.YoutubeDL, info: dict, folder: Path, context: str = "") -> list[str]:
    """Fetch the original automatic-caption tracks into ``folder`` (a private download folder); the
    languages written. A track that fails is left out (logged): the video is no worse for it."""
    written = []
    for lang, fmt in original_auto_tracks(info).items():
        target = tree.auto_subtitle_file(folder, lang)
        target.parent.mkdir(exist_ok=True)
        try:
            ydl.dl(str(target), {**fmt, "http_headers": fmt.get("http_headers") or info.get("http_headers")},
                   subtitle=True)
        except DownloadError as exc:
            log.info("%sautomatic captions %s not fetched: %s", context, lang, str(exc)[:300])
            continue
        if target.is_file():
            written.append(lang)
    return written
