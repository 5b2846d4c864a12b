"""The web app's per-person library: watch state on the video page, the "continue watching" shelf, the watched
filter and ticks on a channel's grid, the "new since your last visit" counts, and the mark (un)watched button.

The catalog pages (front_app.pages.channels) call these for the person's part of their context, so the
rules stay in library_app and each page's edit is a line.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from archiver import readable
from archiver.errors import UserError
from channels_app.models import Video
from front_app.pages.buttons import safe_next
from library_app import chapters, visits, watching
from library_app.models import WATCHED_FRACTION

SHELF_SIZE = 12
#: ``?watched=`` on the channel page: yes (watched), no (not watched), anything else: both.
WATCHED_FILTER = {"yes": True, "no": False}


def video_context(request, video: Video, playable: bool) -> dict:
    """The person's state of the video and its chapters (for the player: player.js reads them)."""
    state = watching.get_state(request.user, video)
    marks = chapters.of_video(settings.ARCHIVE_ROOT, video.channel_id, video.video_id, video.duration) \
        if playable else []
    player = {"video": video.pk, "duration": video.duration, "position": state.position, "watched": state.watched,
              "watched_fraction": WATCHED_FRACTION, "chapters": [c.as_json() for c in marks]}
    return {"watch": state, "player": player, "resume_at": readable.clock(state.position),
            "chapters": [c for c in marks if c.kind == "chapter"],
            "sponsor_segments": [c for c in marks if c.kind == "sponsorblock"]}


def channel_videos(request, channel, videos):
    """The channel page's videos narrowed by ``?watched=yes|no``; records the visit. -> (videos, context)."""
    visits.record_visit(request.user, channel)
    watched = request.GET.get("watched", "")
    if watched in WATCHED_FILTER:
        videos = watching.filter_watched(videos, request.user, WATCHED_FILTER[watched])
    else:
        watched = ""
    return videos, {"watched": watched}


def page_watched_ids(request, videos) -> set[int]:
    """The pks of the page's videos the person watched (a tick on each card)."""
    return watching.watched_ids(request.user, [v.pk for v in videos])


def list_context(request, channel_ids, archived: dict[str, int] | None = None) -> dict:
    """The home page's per-person part: the continue-watching shelf and the "new" counts per channel
    (``archived``: channel id -> archived videos, when the page has them, saves a query)."""
    return {"continue_watching": watching.continue_watching(request.user, SHELF_SIZE),
            "new_counts": visits.new_since_visit(request.user, channel_ids, archived)}


@login_required
@require_POST
def mark_watched(request, channel_id: str, video_id: str):
    """The video page's "Mark watched" / "Mark unwatched" button (without JavaScript too)."""
    video = get_object_or_404(Video, channel_id=channel_id, video_id=video_id)
    watched = request.POST.get("watched") == "true"
    try:
        watching.set_state(request.user, video, watched=watched)
        messages.success(request, f"Marked {'watched' if watched else 'unwatched'}.")
    except UserError as exc:
        messages.error(request, str(exc))
    return redirect(safe_next(request.POST.get("next") or f"/channels/{channel_id}/videos/{video_id}/"))
