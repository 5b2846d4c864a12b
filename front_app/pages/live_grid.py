"""The channel page's grid kept live: while a sync lists the channel and its videos download, new and changed
cards come in without a reload.

The page carries a cursor (when it was read); its script asks ``/channels/{id}/cards/?since=CURSOR`` every
few seconds and gets the cards of the videos written since (new rows of a sync, statuses moved by outcomes),
rendered by the same ``web/_video_card.html`` as the page, and the next cursor in ``X-Since``. A row's
``updated_at`` is stamped before its transaction commits, so each answer reaches OVERLAP back before the
cursor (the script leaves a card that did not change as it is): a row committed late is never missed.
``X-Grid-State`` says whether anything is still going on (``listing``:
a sync is queued or running; ``active``: videos wait; ``idle``), so the script slows down when nothing is.
Only the first page without a title search is live: that is where new videos land.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from archiver.vocabulary import ACTIVE_JOB, BUSY_STATUSES, STORED_VIDEO_STATUSES
from channels_app import status_counts
from channels_app.models import Channel, Video
from library_app import watching

CARDS_PER_POLL = 100
OVERLAP = timedelta(seconds=10)


def cursor(at: datetime) -> str:
    return str(int(at.timestamp() * 1_000_000))


def parse_cursor(text: str) -> datetime:
    """``"MICROSECONDS"`` (since the epoch) -> when; ValueError when it is not one."""
    return datetime.fromtimestamp(int(text) / 1_000_000, tz=UTC)


def listing(channel: Channel) -> bool:
    """A sync of the channel is queued or running (the partial index on active jobs answers it)."""
    return channel.syncs.filter(status__in=list(ACTIVE_JOB)).exists()


def state(channel: Channel) -> str:
    if listing(channel):
        return "listing"
    counts = status_counts.of_channel(channel.id)
    return "active" if any(counts.get(str(s), 0) for s in BUSY_STATUSES) else "idle"


def page_context(channel: Channel, page, query: str, narrowed: bool = False) -> dict:
    """What channel.html needs to keep its grid live: the cursor (first page, newest first, no search and no
    filter but the stored status: else none, since new cards are placed by date) and whether a sync is listing
    (then an empty grid says so, not "press Sync")."""
    live = page.number == 1 and not query and not narrowed
    return {"live_grid": cursor(timezone.now()) if live else "", "listing": listing(channel)}


@login_required
def cards(request, channel_id: str):
    """The cards of the channel's videos written after ``since`` (less OVERLAP; of one ``status``, if given),
    the CARDS_PER_POLL written last (a sync's batch of thousands: the grid shows a page of them anyway)."""
    channel = get_object_or_404(Channel, pk=channel_id)
    try:
        since = parse_cursor(request.GET.get("since", ""))
    except (ValueError, OverflowError, OSError):
        return HttpResponseBadRequest("since: give the cursor the page carries (microseconds since the epoch).")
    videos = Video.objects.filter(channel=channel, updated_at__gt=since - OVERLAP).order_by("-updated_at", "-pk")
    status = request.GET.get("status", "")
    if status in [str(s) for s in STORED_VIDEO_STATUSES]:
        videos = videos.filter(status=status)
    found = list(videos[:CARDS_PER_POLL])
    response = render(request, "web/_video_cards.html", {
        "channel": channel, "videos": found, "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "watched_ids": watching.watched_ids(request.user, [v.pk for v in found]),
        "card_next": f"/channels/{channel.id}/"})  # a card's mark watched form goes back to the page, not here
    response["X-Since"] = cursor(max(since, found[0].updated_at) if found else since)
    response["X-Grid-State"] = state(channel)
    response["Cache-Control"] = "no-store"
    return response
