"""The web app's queue page and retry buttons: what downloads now, what waits, retries, dead letters."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from archiver.vocabulary import FailureKind, VideoStatus
from channels_app import fixity_checks, status_counts
from channels_app.models import Channel, Video
from downloads_app import queueing, site_pauses, ytdlp_updates
from front_app.pages.buttons import staff_button

SHOWN = 100


@login_required
def queue_page(request):
    """A constant number of queries whatever the backlog: what waits comes from the StatusCount rows
    (channels_app.status_counts), the lists are LIMITed reads off their indexes, and the channels that wait
    are the SHOWN with the most (a thousand channels waiting is one line more, not a thousand)."""
    videos = Video.objects.select_related("channel")
    every = status_counts.queued_by_channel()
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
        "channel_ids": [cid for cid, _ in queued],
        "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "ytdlp": ytdlp_updates.status(),
    })


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


@staff_button("/queue/")
def change_ytdlp(request, action: str):
    """The queue page's staff buttons: update yt-dlp (to the version typed, or the newest stable), or roll back."""
    ytdlp_updates.request_change(action, request.POST.get("version", ""), request.user.username)
    return f"yt-dlp {action} started; this page shows how it went."
