"""Watch state, per person: where they stopped, what they watched, what they are in the middle of.

One module for every surface (the API, the web pages, the player's saves), so the rules are said once:
a position is a number of seconds within the video (a little slack past its end, since players report
the end a bit late); reaching ``WATCHED_FRACTION`` of the duration marks a video watched; marking one
unwatched starts it over. Bad values are ``UserError`` with a message (a 400, or the CLI's one line).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from archiver.errors import UserError
from channels_app.models import Video
from library_app.models import WATCHED_FRACTION, WatchState

#: Seconds a position may pass the video's recorded duration (players and containers round differently).
END_SLACK_SECONDS = 5.0
#: Without a known duration, a position is still bounded (a week of video).
MAX_POSITION_SECONDS = 7 * 24 * 3600.0
#: How many videos one bulk mark may name.
MAX_BULK = 500
#: The largest id a database integer holds (SQLite's and PostgreSQL's bigint): past it, no such video.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class State:
    """One person's state of one video (a video never opened: position 0, not watched, never updated)."""

    video_id: int
    position: float
    watched: bool
    updated_at: datetime | None


def is_watched(position: float, duration: float | None) -> bool:
    """Watched to ``WATCHED_FRACTION`` of its duration (a video of unknown length never is, by position)."""
    return bool(duration) and duration > 0 and position >= WATCHED_FRACTION * duration


def check_position(value, duration: float | None) -> float:
    """A position in seconds: a finite number, at least 0, at most the duration plus END_SLACK_SECONDS."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"position must be a number of seconds, not {value!r}.")
    position = float(value)
    if not math.isfinite(position) or position < 0:
        raise UserError(f"position must be 0 or more seconds, not {value!r}.")
    limit = (duration + END_SLACK_SECONDS) if duration else MAX_POSITION_SECONDS
    if position > limit:
        raise UserError(f"position {position:g} s is past the end of the video ({limit:g} s at most).")
    return position


def check_watched(value) -> bool:
    if not isinstance(value, bool):
        raise UserError(f"watched must be true or false, not {value!r}.")
    return value


def get_state(user, video: Video) -> State:
    row = WatchState.objects.filter(user=user, video=video).first()
    if row is None:
        return State(video.pk, 0.0, False, None)
    return State(video.pk, row.position, row.watched, row.updated_at)


def set_state(user, video: Video, *, position=None, watched=None) -> State:
    """Change what is given (either or both), validated. A position at 90 % or more marks the video watched;
    a watched video stays watched when played again from the start, until marked unwatched (which, with no
    position given, starts it over at 0)."""
    new_position = None if position is None else check_position(position, video.duration)
    new_watched = None if watched is None else check_watched(watched)
    if new_position is None and new_watched is None:
        raise UserError("Give a position (seconds), watched (true or false), or both.")
    with transaction.atomic():
        row, _ = WatchState.objects.select_for_update().get_or_create(user=user, video=video)
        if new_position is not None:
            row.position = new_position
            if new_watched is None and is_watched(new_position, video.duration):
                row.watched = True
        if new_watched is not None:
            row.watched = new_watched
            if not new_watched and new_position is None:
                row.position = 0.0
        row.save()
    return State(video.pk, row.position, row.watched, row.updated_at)


def check_video_ids(values) -> list[int]:
    """A list of 1 to MAX_BULK video ids (integers, as the API names videos)."""
    if not isinstance(values, list) or not values:
        raise UserError("video_ids must be a non-empty list of video ids.")
    if len(values) > MAX_BULK:
        raise UserError(f"video_ids names {len(values)} videos; at most {MAX_BULK} at once.")
    if any(isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_ID for v in values):
        raise UserError("video_ids must hold video ids (positive integers), as GET /api/videos/ gives them.")
    return list(dict.fromkeys(values))


def mark(user, video_ids, watched) -> int:
    """Mark several videos watched or unwatched at once (unwatched ones start over at 0); how many were."""
    ids, watched = check_video_ids(video_ids), check_watched(watched)
    known = set(Video.objects.filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [v for v in ids if v not in known]
    if unknown:
        raise UserError(f"No video with id {', '.join(map(str, unknown[:10]))}{' …' if len(unknown) > 10 else ''}.")
    now = timezone.now()
    changes = {"watched": watched, "updated_at": now, **({} if watched else {"position": 0.0})}
    with transaction.atomic():
        WatchState.objects.bulk_create(
            [WatchState(user=user, video_id=v, watched=watched) for v in ids], ignore_conflicts=True)
        WatchState.objects.filter(user=user, video_id__in=ids).update(**changes)
    return len(ids)


def continue_watching(user, limit: int = 12) -> list[WatchState]:
    """The person's started, unwatched videos, the latest played first, with their videos and channels."""
    return list(WatchState.objects.filter(user=user, watched=False, position__gt=0)
                .select_related("video", "video__channel").order_by("-updated_at")[:max(0, limit)])


def filter_watched(videos: QuerySet, user, watched: bool) -> QuerySet:
    """``videos`` narrowed to those the person watched (True) or not (False): one EXISTS, no duplicates."""
    seen = Exists(WatchState.objects.filter(user=user, video=OuterRef("pk"), watched=True))
    return videos.filter(seen if watched else ~seen)


def watched_ids(user, video_ids: Iterable[int]) -> set[int]:
    """Which of these videos (by pk) the person watched: the ticks on a page of cards."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(WatchState.objects.filter(user=user, video_id__in=list(video_ids), watched=True)
               .values_list("video_id", flat=True))
