"""When each person last opened each channel, and what was archived there since: the "new" badge.

A visit is one row per (person, channel), moved forward by each view of the channel's page. What is new
to a person is what was archived after their last visit; a channel they never opened is new as a whole
(its archived count, read from the status counts: no count over the catalog).
"""
from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from archiver.vocabulary import VideoStatus
from channels_app import status_counts
from channels_app.models import Channel, Video
from library_app.models import ChannelVisit


def record_visit(user, channel: Channel) -> None:
    if getattr(user, "is_authenticated", False):
        ChannelVisit.objects.update_or_create(user=user, channel=channel, defaults={"visited_at": timezone.now()})


def new_since_visit(user, channel_ids, archived: dict[str, int] | None = None) -> dict[str, int]:
    """channel id -> videos archived since the person's last visit (every channel given; 0 when none).

    One query (each channel's visit and its count of newer archived videos, as subqueries); a channel never
    visited counts all its archived videos, from ``archived`` (channel id -> archived count) when the caller
    has them, else from the status counts (a second query)."""
    ids = list(dict.fromkeys(channel_ids))
    out = dict.fromkeys(ids, 0)
    if not ids or not getattr(user, "is_authenticated", False):
        return out
    visit = ChannelVisit.objects.filter(user=user, channel=OuterRef("pk")).values("visited_at")[:1]
    newer = (Video.objects.filter(channel=OuterRef("pk"), status=VideoStatus.ARCHIVED,
                                  archived_at__gt=OuterRef("visited"))
             .order_by().values("channel").annotate(n=Count("pk")).values("n"))
    rows = Channel.objects.filter(pk__in=ids).annotate(visited=Subquery(visit), new=Subquery(newer)).values_list(
        "id", "visited", "new")
    never = []
    for channel_id, visited, new in rows:
        if visited is None:
            never.append(channel_id)
        else:
            out[channel_id] = new or 0
    if never and archived is None:
        archived = {c: n["counts"].get(str(VideoStatus.ARCHIVED), 0)
                    for c, n in status_counts.by_channel(never).items()}
    for channel_id in never:
        out[channel_id] = (archived or {}).get(channel_id, 0)
    return out
