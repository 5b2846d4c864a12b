"""The web app's queue page and retry buttons: what downloads now, what waits, retries, dead letters."""
from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from archiver.readable import binary_size
from archiver.vocabulary import FailureKind, VideoStatus
from channels_app import fixity_checks, progress, status_counts
from channels_app.models import Channel, Video
from downloads_app import queueing, site_pauses, ytdlp_updates
from front_app.pages.buttons import owner_only, staff_button

SHOWN = 100


@login_required
def queue_page(request):
    """A constant number of queries whatever the backlog: what waits comes from the StatusCount rows
    (channels_app.status_counts), the lists are LIMITed reads off their indexes, and the channels that wait
    are the SHOWN with the most (a thousand channels waiting is one line more, not a thousand)."""
    videos = Video.objects.select_related("channel")
    flights = in_flight_context()
    # The catalog says "queued" until an outcome lands: a video downloading now is not waiting.
    running = Counter(f["channel_id"] for group in flights.values() for f in group)
    every = [(cid, n - running[cid]) for cid, n in status_counts.queued_by_channel() if n > running[cid]]
    queued = every[:SHOWN]
    titles = dict(Channel.objects.filter(pk__in=[cid for cid, _ in queued]).values_list("id", "title"))
    waiting = [{"channel_id": cid, "channel__title": titles.get(cid, ""), "n": n} for cid, n in queued]
    return render(request, "web/queue.html", {
        "paused_sites": site_pauses.paused(),
        "waiting": waiting,
        "waiting_more": (len(every) - len(queued), sum(n for _, n in every[SHOWN:])),
        "retrying": videos.filter(status=VideoStatus.RETRYING).order_by("next_attempt_at")[:SHOWN],
        "dead": videos.filter(status=VideoStatus.FAILED, failure_kind=FailureKind.TRANSIENT)
                      .order_by("-updated_at")[:SHOWN],
        "dead_total": status_counts.dead_letters(),
        **flights,
        "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "ytdlp": ytdlp_updates.status(),
    })


def in_flight_context() -> dict:
    """One row per download holding a lock (archiver.state.download_locks.held_locks: one Redis round trip,
    whatever the backlog), with its channel's and video's titles (one query), live ones first."""
    flights = progress.every_download_in_flight()
    pairs = {(f["channel_id"], f["video_id"]) for f in flights}
    titles = {}
    if pairs:
        rows = Video.objects.filter(channel_id__in={c for c, _ in pairs}, video_id__in={v for _, v in pairs}) \
            .values_list("channel_id", "video_id", "title", "channel__title")
        titles = {(c, v): (t, ct) for c, v, t, ct in rows if (c, v) in pairs}
    for f in flights:
        f["title"], f["channel_title"] = titles.get((f["channel_id"], f["video_id"]), ("", ""))
        f["done"] = binary_size(f["downloaded_bytes"])
        f["of"] = binary_size(f["total_bytes"]) if f["total_bytes"] else ""
        f["rate"] = f"{binary_size(f['speed'])}/s" if f["speed"] else ""
        f["left"] = _seconds_left(f["eta"]) if f["eta"] is not None else ""
        f["fraction"] = (min(1.0, f["downloaded_bytes"] / f["total_bytes"]) if f["total_bytes"] else None)
    live = [f for f in flights if f["state"] == progress.DOWNLOADING]
    return {"downloading": live, "interrupted": [f for f in flights if f["state"] == progress.INTERRUPTED]}


def _seconds_left(eta: float) -> str:
    eta = round(eta)
    return f"{eta // 60} min {eta % 60:02d} s left" if eta >= 60 else f"{eta} s left"


@login_required
def in_flight(request):
    """The queue page's "Downloading now" list alone, as HTML (the page's script polls it every few seconds)."""
    return render(request, "web/_in_flight.html", in_flight_context())


@staff_button("/queue/")
def redownload_one(request, pk: int):
    video = get_object_or_404(Video, pk=pk)
    fixity_checks.redownload(video)
    return f"{video.title or video.video_id} is downloaded again; the old copy is kept until the new one verifies."


@staff_button("/queue/")
def retry_one(request, pk: int):
    video = get_object_or_404(Video, pk=pk)
    queueing.retry_video(video)
    return f"{video.title or video.video_id} requeued."


@staff_button("/queue/")
def retry_all_dead(request):
    return f"{queueing.retry_failed(dead_letter_only=True)} video(s) requeued."


@staff_button("/queue/")
def resume_site(request, site: str):
    identity = request.POST.get("identity", "")
    count = site_pauses.resume(site, identity)
    return f"{site} resumed{f' through {identity}' if identity else ''}: {count} video(s) go now."


@staff_button("/queue/", allowed=owner_only)
def change_ytdlp(request, action: str):
    """The queue page's owner buttons: update yt-dlp (to the version typed, or the newest stable), or roll back."""
    ytdlp_updates.request_change(action, request.POST.get("version", ""), request.user.username)
    return f"yt-dlp {action} started; this page shows how it went."
