"""Why a download failed, in plain words: yt-dlp's error text -> a stable reason code and a hint with the fix.

yt-dlp reports every failure as one line of English ("Sign in to confirm you are
not a bot. Use --cookies-from-browser ..."), written for someone at a terminal.
This module is the one place that reads those lines. ``classify_text`` gives
the reason and the failure kind (``archiver.ytdlp.classify`` decides retries
with it), and ``explain`` the hint a person reads: what happened, what to do
about it, and what ytarchive does meanwhile.

It is pure, and it works from what a Video row already keeps
(``failure_kind``, ``last_error``, ``next_attempt_at``): reasons are derived
when a row is read, never stored, so rows written before this module get them
too and a better rule here explains old failures better without a migration.

The reason codes (``archiver.vocabulary.FailureReason``) are an interface (API, CLI,
notifications): add new ones, never rename one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from archiver.netguard import SETTING as ADDRESS_SETTING
from archiver.vocabulary import FailureKind, FailureReason, VideoStatus


@dataclass(frozen=True)
class Explanation:
    reason: FailureReason
    hint: str


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


# First match wins. The site refusing us (not the video) comes first, then failures of the moment
# (network, disk), then what is true of the video itself, then yt-dlp's own breakage.
_RULES: tuple[tuple[FailureReason, FailureKind, re.Pattern], ...] = (
    (FailureReason.ADDRESS_REFUSED, FailureKind.PERMANENT, _rx(re.escape(ADDRESS_SETTING))),
    (FailureReason.BOT_CHECK, FailureKind.BLOCKED, _rx(r"not a bot|not a robot|captcha")),
    (FailureReason.RATE_LIMITED, FailureKind.BLOCKED,
     _rx(r"HTTP Error 429|Too Many Requests|rate[- ]limited|isn.t available, try again later")),
    (FailureReason.DISK_FULL, FailureKind.TRANSIENT, _rx(r"no space left")),
    (FailureReason.NETWORK, FailureKind.TRANSIENT,
     _rx(r"HTTP Error 5\d\d|timed out|temporar|reset by peer|connection refused|network is unreachable"
         r"|name or service not known|getaddrinfo|remote end closed|incompleteread|EOF occurred")),
    (FailureReason.MEMBERS_ONLY, FailureKind.PERMANENT,
     _rx(r"members[- ]only|join this channel|available to this channel.s members")),
    (FailureReason.AGE_RESTRICTED, FailureKind.PERMANENT,
     _rx(r"confirm your age|age[- ]restricted|inappropriate for some users")),
    (FailureReason.GEO_BLOCKED, FailureKind.PERMANENT,
     _rx(r"not available in your country|not made this video available in your country"
         r"|not available from your location|geo[- ]restrict|HTTP Error 451")),
    (FailureReason.PRIVATE, FailureKind.PERMANENT, _rx(r"private video|video is private")),
    (FailureReason.REMOVED, FailureKind.PERMANENT,
     _rx(r"has been removed|been terminated|no longer available|copyright|video unavailable"
         r"|HTTP Error (404|410)")),
    (FailureReason.FORMAT_UNAVAILABLE, FailureKind.PERMANENT,
     _rx(r"requested format is not available|no video formats found|only images are available")),
    (FailureReason.EXTRACTOR_BROKEN, FailureKind.TRANSIENT,
     _rx(r"please report this issue|extractor error has occurred|unable to extract|failed to extract"
         r"|(signature|nsig|n challenge)[^.]{0,40}fail")),
    (FailureReason.FORBIDDEN, FailureKind.PERMANENT, _rx(r"HTTP Error 403")),
    (FailureReason.UNKNOWN, FailureKind.PERMANENT, _rx(r"HTTP Error (400|401)|unsupported url|is not a valid url")),
)
_HTTP = re.compile(r"HTTP Error (\d{3})")
_PAUSED = re.compile(r"paused until (\d{4}-\d\d-\d\d \d\d:\d\d)")
_VERSION_DATE = re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})")

_HINTS = {
    FailureReason.BOT_CHECK: (
        "The site asked for a bot check ('Sign in to confirm you're not a bot'): it thinks this address "
        "downloads too much. {paused} To get through sooner or for good: give the channel (or every channel) "
        "the cookies of a signed-in account, set up a PO-token provider (YTARCHIVE_POT_PROVIDER_URL), add "
        "another egress identity (YTARCHIVE_EGRESS), or lower the budget (YTARCHIVE_SITE_RATES)."),
    FailureReason.RATE_LIMITED: (
        "The site is rate-limiting this address{http}. {paused} Lower the budget (YTARCHIVE_SITE_RATES) or "
        "add another egress identity (YTARCHIVE_EGRESS) so it does not happen again."),
    FailureReason.MEMBERS_ONLY: (
        "Only the channel's members can watch this video. To archive it, give the channel the cookies of an "
        "account that is a member (`ytarchive cookies CHANNEL --file cookies.txt`), then retry it."),
    FailureReason.PRIVATE: (
        "The uploader made this video private. Nothing to do unless your account was given access (then add "
        "its cookies and retry); a copy archived before is kept."),
    FailureReason.REMOVED: (
        "The video is gone from the site{http} (removed by the uploader or the site, or its account "
        "closed). Nothing to do; a copy archived before is kept."),
    FailureReason.GEO_BLOCKED: (
        "The uploader does not offer this video in the country this server's address is in. Add an egress "
        "identity in a country where it is offered (YTARCHIVE_EGRESS, e.g. proxy:socks5://…), then retry it."),
    FailureReason.AGE_RESTRICTED: (
        "The site shows this video to signed-in adults only. Give the channel (or every channel) the cookies "
        "of an age-verified account, then retry it."),
    FailureReason.FORMAT_UNAVAILABLE: (
        "None of the formats the site offers fits what the channel asks for (height, container, audio only). "
        "Change the channel's download options (`ytarchive set CHANNEL …` or its page), then retry it. On "
        "YouTube, formats also go missing without a PO-token provider or with an old yt-dlp."),
    FailureReason.EXTRACTOR_BROKEN: (
        "yt-dlp could not read the site's page: the site changed and {ytdlp} does not know it yet. "
        "Update yt-dlp (`ytarchive ytdlp update`); fixes usually ship within days."),
    FailureReason.FORBIDDEN: (
        "The site refused the download (HTTP 403). On YouTube that is usually a missing PO token or an old "
        "yt-dlp: set up a PO-token provider (YTARCHIVE_POT_PROVIDER_URL), update yt-dlp or add cookies, then "
        "retry it."),
    FailureReason.ADDRESS_REFUSED: (
        "The video (or a file of it) is on a private network address, which ytarchive does not fetch unless "
        f"{ADDRESS_SETTING} allows it."),
    FailureReason.DISK_FULL: "The archive volume is full. Free some space or grow the volume.",
    FailureReason.NETWORK: "A network error or an error on the site's side{http}: nothing to fix here.",
    FailureReason.UNKNOWN: "yt-dlp reported an error ytarchive does not recognise{http}; its own words are below.",
}


def classify_text(error: str) -> tuple[FailureReason, FailureKind]:
    """The reason and the failure kind of one yt-dlp error line (unrecognised: unknown, transient)."""
    for reason, kind, pattern in _RULES:
        if pattern.search(error or ""):
            return reason, kind
    return FailureReason.UNKNOWN, FailureKind.TRANSIENT


def reason_of(failure_kind: str, error: str) -> FailureReason:
    """A stored failure's reason; a ``blocked`` row is a bot check unless its text says rate limit."""
    reason, _ = classify_text(error)
    if failure_kind == FailureKind.BLOCKED and reason is not FailureReason.RATE_LIMITED:
        return FailureReason.BOT_CHECK
    return reason


def ytdlp_release_date(version: str) -> date | None:
    """yt-dlp's versions are release dates (``2026.10.26``, nightlies ``2026.10.26.123456``)."""
    match = _VERSION_DATE.match(version or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def explain(failure_kind: str, error: str, status: str = "", until: datetime | None = None,
            ytdlp_version: str = "", today: date | None = None) -> Explanation:
    """The reason and the hint for a video's failure.

    ``status`` says what ytarchive does meanwhile (retrying, or failed with its
    retries used up); ``until`` is when a paused site resumes (a blocked video's
    next attempt); ``ytdlp_version`` and ``today`` date an extractor breakage.
    """
    reason = reason_of(failure_kind, error)
    http = _HTTP.search(error or "")
    hint = _HINTS[reason].format(
        http=f" (HTTP {http.group(1)})" if http else "",
        paused=_paused(error, until),
        ytdlp=_ytdlp_age(ytdlp_version, today),
    )
    return Explanation(reason, f"{hint} {_meanwhile(reason, failure_kind, status)}".strip())


def _paused(error: str, until: datetime | None) -> str:
    if until is not None:
        until = until.astimezone(UTC) if until.tzinfo else until
        return f"Downloads from this site are paused until {until:%Y-%m-%d %H:%M} UTC and resume by themselves."
    found = _PAUSED.search(error or "")
    if found:
        return f"Downloads from this site are paused until {found.group(1)} UTC and resume by themselves."
    return "Downloads from this site pause for a while and resume by themselves."


def _ytdlp_age(version: str, today: date | None) -> str:
    released = ytdlp_release_date(version)
    if released is None:
        return f"yt-dlp {version}" if version else "this yt-dlp"
    days = max(0, ((today or date.today()) - released).days)
    return f"yt-dlp {version} (released {released:%Y-%m-%d}, {days} day{'s' if days != 1 else ''} ago)"


def _meanwhile(reason: FailureReason, failure_kind: str, status: str) -> str:
    """What happens to the video now, from the row's own state."""
    if failure_kind == FailureKind.BLOCKED:
        return "The wait costs the video no attempt."
    if status == VideoStatus.RETRYING:
        return "It is tried again by itself."
    if status == VideoStatus.FAILED and failure_kind == FailureKind.TRANSIENT:
        return "Its retries are used up: retry it by hand (queue page, `ytarchive retry`) once fixed."
    return ""
