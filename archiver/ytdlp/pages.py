"""A video's page read without downloading: its metadata for an import, its facts for the history."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import yt_dlp
from yt_dlp.utils import DownloadError, ExtractorError

from archiver import failure_reasons, netguard
from archiver.vocabulary import Availability, FailureKind, FailureReason
from archiver.ytdlp import comments_captions
from archiver.ytdlp.failures import classify
from archiver.ytdlp.params import Options, base_params

log = logging.getLogger("archiver.ytdlp")


@dataclass(frozen=True)
class VideoFacts:
    """What a video's page says now, for its metadata history (None: the page does not say)."""

    availability: str  # public, unlisted, private, removed, needs_auth, subscriber_only, premium_only
    title: str | None = None
    description: str | None = None
    view_count: int | None = None
    like_count: int | None = None
    comments: dict | None = None  # a comments.json document (archiver.comments_file); None: not read


def video_info(url: str, opts: Options | None = None) -> dict:
    """A video's metadata as yt-dlp's --write-info-json would keep it, without downloading (an import)."""
    opts = opts or Options()
    with yt_dlp.YoutubeDL({**base_params(opts), "noplaylist": True}) as ydl, netguard.guarded():
        try:
            return ydl.sanitize_info(ydl.extract_info(url, download=False, process=False))
        finally:
            netguard.take_refusals()


# Permanent failures of a video's page that ask for an account (the rest: removed upstream).
_ASKS_FOR_ACCOUNT = (FailureReason.PRIVATE, FailureReason.MEMBERS_ONLY, FailureReason.AGE_RESTRICTED)


def video_facts(url: str, opts: Options | None = None) -> VideoFacts:
    """The video's page now, without downloading: title, description, counts, availability, and its
    comments when the profile asks for them.

    A page that is gone for good says so as the availability (``private`` when
    it asks for an account, ``removed`` otherwise); a transient error raises.
    """
    opts = opts or Options()
    base = base_params(opts)
    with yt_dlp.YoutubeDL({**base, **comments_captions.comment_params(opts.profile, base["extractor_args"]),
                           "noplaylist": True}) as ydl, netguard.guarded():
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
        comments = _comments(info, opts)

    def count(name):
        value = info.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return VideoFacts(availability=str(info.get("availability") or Availability.PUBLIC),
                      title=str(info["title"])[:1000] if info.get("title") else None,
                      description=str(info["description"])[:20000] if info.get("description") is not None else None,
                      view_count=count("view_count"), like_count=count("like_count"),
                      comments=comments)


def _comments(info: dict, opts: Options) -> dict | None:
    """The comments yt-dlp reads last (its post-extractor), as a comments.json document; None when none were
    asked for, or their read failed: that says nothing of the video (it must never look removed), and
    nothing is marked gone on a read that did not happen."""
    try:
        yt_dlp.YoutubeDL.post_extract(info)
    except (DownloadError, ExtractorError) as exc:
        log.info("comments of %s not read: %s", info.get("id"), str(exc)[:300])
        return None
    finally:
        netguard.take_refusals()
    return comments_captions.comments_document(info, str(info.get("id") or ""), opts.profile)
