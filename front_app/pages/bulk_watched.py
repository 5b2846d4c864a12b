"""The channel page's "Mark all on this page watched / unwatched": the videos the page shows, marked for the person at
once (library_app.watching.mark, bounded by its MAX_BULK), without JavaScript too.

The form names the videos by their ids within the channel (what the grid's cards carry), so a video of another
channel, or one that is not there, is never marked; a refused form says why and goes back.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from archiver.errors import UserError
from channels_app.models import Channel, Video
from front_app.pages.buttons import safe_next
from library_app import watching


@login_required
@require_POST
def mark_shown(request, channel_id: str):
    channel = get_object_or_404(Channel, pk=channel_id)
    back = safe_next(request.POST.get("next") or f"/channels/{channel.id}/")
    names = request.POST.getlist("video")
    watched = request.POST.get("watched")
    try:
        if watched not in ("true", "false"):
            raise UserError("watched must be true or false.")
        if len(names) > watching.MAX_BULK:
            raise UserError(f"{len(names)} videos named; at most {watching.MAX_BULK} at once.")
        pks = list(Video.objects.filter(channel=channel, video_id__in=names).values_list("pk", flat=True))
        if not pks:
            raise UserError("No videos of this channel were named: nothing was marked.")
        marked = watching.mark(request.user, pks, watched == "true")
    except UserError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    word = "watched" if watched == "true" else "unwatched"
    messages.success(request, f"Marked {marked} video{'s' if marked != 1 else ''} {word}.")
    return redirect(back)
