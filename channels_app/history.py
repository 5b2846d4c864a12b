"""What changed upstream, video by video: the metadata history.

A sync writes a ``VideoChange`` row only when a field differs from what the
catalog holds (the history grows by changes, never by a row per video per sync):

* from the listing, for every listed video it already knows: title, duration,
  view count, and its return after a removal;
* after a full listing that saw everything (no ``newest_n``, date cutoff or
  skipped keywords in force), every known video of the listed tabs that was not
  listed is marked ``removed`` upstream (``removed_upstream_at``); its archived
  copy stays;
* from each video's own page, for a rolling share per sync
  (``YTARCHIVE_HISTORY_PAGES_PER_SYNC``, the ones read longest ago first):
  description, like and view counts, availability (public, unlisted, private,
  removed, ...). A first reading only fills the fields in: it is not a change. Its comments too, when the
  channel archives them: ``video_page_read`` hands them to text_app, which keeps the ones gone upstream.

Counts (views, likes) move at nearly every sync, so they are never change rows:
the row keeps the latest value, and views a bounded series (channels_app.view_series).
A listing batch is written in bulk: one query reads its known videos (the caller's),
one ``bulk_update`` and one ``bulk_create`` write what moved, whatever the batch's size.
Old changes are pruned by channels_app.history_prune.
"""
from __future__ import annotations

import dataclasses
import functools
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from archiver import egress
from archiver.egress import Pool
from archiver.state import store
from archiver.vocabulary import Availability, VideoStatus
from archiver.ytdlp import listing, pages, params
from channels_app import view_series
from channels_app.archive_events import video_renamed
from channels_app.models import Channel, Video, VideoChange

log = logging.getLogger(__name__)

#: Sent after a video's own page was read for its history, with ``video_pk`` and ``comments`` (the comments
#: read, a comments.json document of archiver.comments_file, or None): text_app keeps them.
video_page_read = Signal()


def _text(value) -> str:
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


COUNT_FIELDS = ("view_count", "like_count")
#: What record_listing may write to a known video (the listing's upsert writes its title and duration).
LISTING_FIELDS = ("view_count", "view_series", "availability", "removed_upstream_at")


def _changes(video: Video, now, **fields) -> tuple[list[VideoChange], dict]:
    """Change rows for the given fields that differ (a value of None is unknown, not a change), and the update.

    Counts go into the update only (the latest value, and views into the bounded series), never into rows.
    """
    rows, update = [], {}
    for name, new in fields.items():
        if new is None:
            continue
        old = getattr(video, name)
        if old == new:
            continue
        update[name] = new
        if name in COUNT_FIELDS:
            continue
        if old not in (None, "") or name == "availability":  # a first reading fills in, it does not change
            rows.append(VideoChange(video=video, at=now, field=name, old=_text(old), new=_text(new)))
    if fields.get("view_count") is not None:
        series = view_series.add_point(video.view_series, now, fields["view_count"],
                                       settings.YTARCHIVE["VIEW_SERIES_POINTS"])
        if series != video.view_series:
            update["view_series"] = series
    return rows, update


def record_listing(known: dict[str, Video], entries: list[listing.Entry], now=None) -> int:
    """Changes a listing shows for videos already known (``known``: video id -> row, with LISTING_FIELDS,
    title and duration loaded); the change rows written. Two statements at most, whatever the batch."""
    now = now or timezone.now()
    rows, moved = [], []
    for entry in entries:
        video = known.get(entry.video_id)
        if video is None:
            continue
        changes, update = _changes(video, now, title=entry.title or None, duration=entry.duration,
                                   view_count=entry.view_count)
        if video.availability == Availability.REMOVED:  # listed again: back upstream
            more, back = _changes(video, now, availability=Availability.PUBLIC)
            changes += more
            update.update(back, removed_upstream_at=None)
        rows += changes
        update = {k: v for k, v in update.items() if k in LISTING_FIELDS}
        if update:
            for name, value in update.items():
                setattr(video, name, value)
            moved.append(video)
    if moved:
        Video.objects.bulk_update(moved, LISTING_FIELDS, batch_size=1000)
    if rows:
        VideoChange.objects.bulk_create(rows)
    # A new title names the video's files in the library views: told once the sync's upsert (which writes the
    # title, in the caller's transaction) is committed.
    for change in rows:
        if change.field == "title":
            transaction.on_commit(functools.partial(video_renamed.send, sender=None,
                                                    channel_id=change.video.channel_id,
                                                    video_id=change.video.video_id))
    return len(rows)


def mark_removed(channel: Channel, tabs: set[str], seen: set[str], now=None) -> int:
    """Videos of ``tabs`` a complete listing did not show: removed upstream (their copies stay)."""
    now = now or timezone.now()
    known = Video.objects.filter(channel=channel, tab__in=tabs).exclude(availability=Availability.REMOVED)
    gone_ids = [pk for pk, video_id in known.values_list("pk", "video_id").iterator() if video_id not in seen]
    gone = [v for start in range(0, len(gone_ids), 500)
            for v in Video.objects.filter(pk__in=gone_ids[start:start + 500])]
    rows = [VideoChange(video=v, at=now, field="availability", old=v.availability, new=Availability.REMOVED)
            for v in gone]
    VideoChange.objects.bulk_create(rows)
    Video.objects.filter(pk__in=[v.pk for v in gone]).update(availability=Availability.REMOVED, removed_upstream_at=now)
    if gone:
        log.info("channel=%s: %s video(s) gone upstream: %s", channel.id, len(gone),
                 ", ".join(v.video_id for v in gone[:20]))
    return len(gone)


def refresh_pages(channel: Channel, options: params.Options, limit: int | None = None, now=None) -> int:
    """Read the own pages of the channel's videos read longest ago (archived ones first); changes written."""
    limit = settings.YTARCHIVE["HISTORY_PAGES_PER_SYNC"] if limit is None else limit
    if limit <= 0:
        return 0
    now = now or timezone.now()
    videos = (Video.objects.filter(channel=channel, status=VideoStatus.ARCHIVED)
              .filter(Q(metadata_checked_at__isnull=True) | Q(metadata_checked_at__lt=now))
              .order_by("metadata_checked_at", "id")[:limit])
    written = 0
    pool, r = Pool.from_settings(settings.YTARCHIVE), store.connect(settings.REDIS_URL)
    for video in videos:
        try:  # a video's page read counts against its site's budget, like a download
            with egress.reading(r, pool, video.url) as identity:
                facts = pages.video_facts(video.url, dataclasses.replace(options, **identity.ytdlp_params()))
        except egress.NoIdentity as exc:
            log.info("channel=%s: history pages wait for budget (%s)", channel.id, exc)
            break
        except Exception as exc:  # a transient failure: read again next time
            log.info("channel=%s video=%s: page not read for its history: %s", channel.id, video.video_id,
                     str(exc)[:300])
            continue
        fields = {"availability": facts.availability, "title": facts.title, "description": facts.description,
                  "view_count": facts.view_count, "like_count": facts.like_count}
        if video.availability == Availability.REMOVED and facts.availability != Availability.REMOVED:
            fields["availability"] = facts.availability  # back: the listing will say so too
        changes, update = _changes(video, now, **fields)
        if facts.availability == Availability.REMOVED and video.removed_upstream_at is None:
            update["removed_upstream_at"] = now
        elif facts.availability != Availability.REMOVED and video.removed_upstream_at is not None:
            update["removed_upstream_at"] = None
        VideoChange.objects.bulk_create(changes)
        Video.objects.filter(pk=video.pk).update(metadata_checked_at=now, **update)
        written += len(changes)
        if "title" in update:  # a new title names the video's files in the library views
            video_renamed.send(sender=None, channel_id=channel.id, video_id=video.video_id)
        video_page_read.send(sender=Video, video_pk=video.pk, comments=facts.comments)
    return written


def timeline(video: Video) -> list[dict]:
    return [{"at": c.at, "field": c.field, "old": c.old, "new": c.new} for c in video.changes.all()]
