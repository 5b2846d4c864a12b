"""The feeder: the database holds the backlog, Redis a window of download messages.

Queueing a video (downloads_app.queueing) is a status change in the database
alone: ``queued`` with ``fed_at`` empty. The feeder sends the download message
of the next such videos, and stamps ``fed_at``, only while their site's window
has room (archiver.feed_window: a few times what its unpaused identities with
budget can run now). A video is *in the window* from its message until its
outcome moves it out of ``queued``; so Redis holds at most the windows' sum of
messages, whatever the backlog, and a paused site is simply not fed.

Which videos go first: each channel's own order (``download_order``: newest
first, the order of ``playlists/uploads.json``, unless the channel says oldest);
channels share a site's room in turns (one share per channel). The feeder runs
every YTARCHIVE_FEED_SECONDS and when nudged (an outcome freed room, videos were
queued); a Redis lease (archiver.state.feeder) keeps it to one at a time, and a
nudge that arrives meanwhile makes the running one look again.

A message lost in Redis (a restart without its AOF, a worker that died holding
it) leaves its video in the window: the reconciler (downloads_app.reliability)
takes it out again (``fed_at`` emptied, conditionally) once no worker holds its
lock, and the feeder sends it anew; the per-video lock stops any duplicate.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict

from celery import current_app
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from archiver import task_names
from archiver.egress import Pool
from archiver.feed_window import SiteWindow, fleet_capacity, share, site_window
from archiver.state import feeder as feeder_state
from archiver.state import store, worker_presence
from archiver.vocabulary import VideoStatus
from channels_app.models import Channel, Video
from downloads_app.download_messages import send_download

log = logging.getLogger(__name__)
OLDEST = "oldest"
# A nudge sends at most one feed task in this long (the rest find it on its way, or the lease taken).
NUDGE_SECONDS = 2.0
# The most rounds one feed task runs back to back (nudged again each time) before it leaves the rest to the next.
MAX_ROUNDS = 20


def redis():
    return store.connect(settings.REDIS_URL)


def nudge() -> None:
    """Ask for a feed round soon (room was freed, or videos were queued); cheap, and never raises:
    the periodic round comes anyway."""
    try:
        if feeder_state.first_nudge(redis(), NUDGE_SECONDS):
            current_app.send_task(task_names.FEED_DOWNLOADS, expires=max(60.0, 2 * _feed_seconds()))
    except Exception as exc:  # Redis away: the periodic round feeds once it is back
        log.warning("feeder not nudged: %s", exc)


def _feed_seconds() -> float:
    return float(settings.YTARCHIVE["FEED_SECONDS"])


def feed() -> dict:
    """Fill every site's window from the backlog, once (and again while nudged meanwhile); returns
    ``{"fed": n, "rounds": k}``, or ``{"fed": 0, "busy": True}`` when another feeder runs (it looks again)."""
    r = redis()
    token = uuid.uuid4().hex
    lease = max(30.0, settings.YTARCHIVE["LEASE_SECONDS"])
    if not feeder_state.take_lease(r, token, lease):
        return {"fed": 0, "busy": True}
    fed = rounds = 0
    try:
        while rounds < MAX_ROUNDS:
            rounds += 1
            fed += feed_round(r)
            if not feeder_state.take_again(r) or not feeder_state.renew_lease(r, token, lease):
                break
    finally:
        feeder_state.release_lease(r, token)
    if fed:
        log.info("fed %s download(s) into the window in %s round(s)", fed, rounds)
    return {"fed": fed, "rounds": rounds}


def windows(r=None) -> dict[str, SiteWindow]:
    """Every site with channels, and its window now."""
    conf = settings.YTARCHIVE
    r = r or redis()
    pool = Pool.from_settings(conf)
    fleet = fleet_capacity(conf["MAX_WORKERS"], worker_presence.live_workers(r), conf["DOWNLOADS_PER_WORKER"])
    sites = {pool.site(url) for url in Channel.objects.values_list("url", flat=True)}
    return {site: site_window(r, pool, site, fleet, conf["FEED_WINDOW_FACTOR"]) for site in sorted(sites)}


def channels_by_site() -> dict[str, list[tuple[str, str]]]:
    """site -> [(channel id, download order)]: a channel's videos are read through its own URL's site."""
    pool = Pool.from_settings(settings.YTARCHIVE)
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for channel_id, url, order in Channel.objects.values_list("id", "url", "download_order").order_by("id"):
        found[pool.site(url)].append((channel_id, order))
    return found


def in_window_by_channel() -> dict[str, int]:
    """Videos sent and not yet reported, per channel (bounded by the windows: a cheap count)."""
    rows = (Video.objects.filter(status=VideoStatus.QUEUED, fed_at__isnull=False)
            .values_list("channel_id").annotate(n=Count("id")).order_by())
    return dict(rows)


def feed_round(r=None) -> int:
    """One look at every site: send the next videos of each whose window has room; returns how many."""
    r = r or redis()
    by_site = channels_by_site()
    room_of = windows(r)
    used = in_window_by_channel()
    sent = 0
    for site, channels in by_site.items():
        room = room_of[site].window - sum(used.get(channel_id, 0) for channel_id, _ in channels)
        if room > 0:
            sent += _send(next_videos(channels, room, whole_table=len(by_site) == 1))
    _wake_when_open(r, [site for site, found in room_of.items() if found.window == 0])
    return sent


def _wake_when_open(r, closed: list[str]) -> None:
    """Send a feed task for the moment the first closed site opens (a budget window slides on, a pause
    ends), when that comes before the next periodic round: no outcome will announce it."""
    if not closed:
        return
    from archiver.egress import ready_at

    pool = Pool.from_settings(settings.YTARCHIVE)
    now = time.time()
    delay = min(ready_at(r, pool, site, now) for site in closed) - now
    if 0 < delay < _feed_seconds() and feeder_state.first_timer(r, delay):
        current_app.send_task(task_names.FEED_DOWNLOADS, countdown=delay + 0.05, expires=delay + 60)


def next_videos(channels: list[tuple[str, str]], room: int, whole_table: bool = False) -> list[int]:
    """The pks of the next ``room`` waiting videos of ``channels``, in turns (see the module's docstring).

    Newest-first channels are read together through the feed-order index (no sort); each oldest-first
    channel on its own. ``whole_table``: these are every channel, so no channel filter is needed.
    """
    waiting = Video.objects.filter(status=VideoStatus.QUEUED, fed_at__isnull=True)
    oldest = [channel_id for channel_id, order in channels if order == OLDEST]
    newest = waiting.exclude(channel_id__in=oldest) if oldest else waiting
    if not whole_table:
        newest = newest.filter(channel_id__in=[c for c, order in channels if order != OLDEST])
    streams = [(len(channels) - len(oldest),
                list(newest.order_by("-upload_date", "id").values_list("pk", flat=True)[:room]))]
    for channel_id in oldest:
        streams.append((1, list(waiting.filter(channel_id=channel_id).order_by("upload_date", "-id")
                                .values_list("pk", flat=True)[:room])))
    return share(room, streams)


def _send(pks: list[int]) -> int:
    """Stamp ``fed_at`` (only where still waiting) and send each message, in priority order."""
    if not pks:
        return 0
    stamp = timezone.now()
    Video.objects.filter(pk__in=pks, status=VideoStatus.QUEUED, fed_at__isnull=True).update(fed_at=stamp)
    rows = {v.pk: v for v in Video.objects.filter(pk__in=pks, status=VideoStatus.QUEUED, fed_at=stamp)
            .select_related("channel")}
    ordered = [rows[pk] for pk in pks if pk in rows]
    for n, video in enumerate(ordered):
        try:
            send_download(video)
        except Exception:
            # Not sent: back to the backlog (the rest too), so they are not counted in the window.
            unsent = [v.pk for v in ordered[n:]]
            Video.objects.filter(pk__in=unsent, status=VideoStatus.QUEUED, fed_at=stamp).update(fed_at=None)
            raise
    return len(ordered)


def take_back(video_pk: int, fed_at) -> bool:
    """Out of the window and back into the backlog (its message is gone): the feeder sends it anew.
    Conditional on the ``fed_at`` the caller saw, so two reconcilers never take it back twice."""
    return bool(Video.objects.filter(pk=video_pk, status=VideoStatus.QUEUED, fed_at=fed_at).update(fed_at=None))


def backlog_by_site(cap: int | None = None) -> dict[str, int]:
    """Queued videos per site (waiting in the database or in the window): what the scaler reads.

    Each site is counted up to ``cap`` at most (None: all): the scaler's rule and the resource tiers
    use no more, and counting a million waiting rows every few seconds would cost seconds each time.
    """
    by_site = channels_by_site()
    waiting = Video.objects.filter(status=VideoStatus.QUEUED)
    counts = {}
    for site, channels in by_site.items():
        rows = waiting if len(by_site) == 1 else waiting.filter(channel_id__in=[c for c, _ in channels])
        rows = rows.order_by().values("pk")
        counts[site] = (rows[:cap] if cap is not None else rows).count()
    return counts
