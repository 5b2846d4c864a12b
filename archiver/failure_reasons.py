"""Why a download failed, in plain words: yt-dlp's error text -> a stable reason code and a hint with the fix.

yt-dlp reports every failure as one line of English ("Sign in to confirm you are
not a bot. Use --cookies-from-browser ..."), written for someone at a terminal.
This module is the one place that reads those lines; what each reason looks like, its kind
and its hint are data, in ``failure_reasons.toml`` beside it. ``classify_text`` gives
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
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from archiver.netguard import SETTING as ADDRESS_SETTING
from archiver.vocabulary import FailureKind, FailureReason, VideoStatus


@dataclass(frozen=True)
class Explanation:
    reason: FailureReason
    hint: str


@dataclass(frozen=True)
class _Rule:
    reason: FailureReason
    kind: FailureKind
    signs: re.Pattern
    hint: str


def _load_rules(path: Path) -> tuple[_Rule, ...]:
    """The rules of ``failure_reasons.toml``, in its order (first match wins), each reason's signs as one
    case-blind pattern; a code or kind outside the vocabulary stops the import (a typo never goes unseen)."""
    def fill(text: str) -> str:
        return text.replace("{setting}", ADDRESS_SETTING)
    rules = tuple(_Rule(FailureReason(entry["code"]), FailureKind(entry["kind"]),
                        re.compile("|".join(fill(sign) for sign in entry["signs"]), re.IGNORECASE),
                        fill(entry["hint"]))
                  for entry in tomllib.loads(path.read_text(encoding="utf-8"))["reason"])
    missing = set(FailureReason) - {rule.reason for rule in rules}
    if missing:
        raise ValueError(f"{path.name} gives no rule for {sorted(missing)}")
    return rules


_RULES = _load_rules(Path(__file__).with_name("failure_reasons.toml"))
_HINTS = {rule.reason: rule.hint for rule in _RULES}
_HTTP = re.compile(r"HTTP Error (\d{3})")
_PAUSED = re.compile(r"paused until (\d{4}-\d\d-\d\d \d\d:\d\d)")
_VERSION_DATE = re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})")


def classify_text(error: str) -> tuple[FailureReason, FailureKind]:
    """The reason and the failure kind of one yt-dlp error line (unrecognised: unknown, transient)."""
    for rule in _RULES:
        if rule.signs.search(error or ""):
            return rule.reason, rule.kind
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
