"""The web app's playlists (issue 26): a channel's "Playlists" section, a playlist's page (its videos in order,
the archived ones playable, the others with their status), "Play all", the bar a video page shows when it
is played from a playlist (``?list={playlist_id}&index=N``: previous, next, and the next one starts when this
one ends, web/playlist.js), and an editor's "Add playlist" (a URL, checked as the API checks it)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from channels_app import playlists
from channels_app.models import Channel, Playlist, Video
from front_app.pages.buttons import staff_button


def channel_context(channel: Channel) -> dict:
    """The channel page's "Playlists" section: the tab's in its order, then those added by URL."""
    return {"channel_playlists": list(Playlist.objects.filter(channel=channel)
                                      .order_by("source", "position", "title", "id"))}


def play_url(entry: playlists.ShownEntry, playlist: Playlist) -> str:
    """The video page of an archived entry, played as part of the playlist."""
    return (f"/channels/{entry.channel_id}/videos/{entry.video_id}/?"
            + urlencode({"list": playlist.playlist_id, "index": entry.position}))


@login_required
def playlist_page(request, channel_id: str, playlist_id: str):
    playlist = get_object_or_404(Playlist.objects.select_related("channel"), channel_id=channel_id,
                                 playlist_id=playlist_id)
    entries = [{"entry": e, "play": play_url(e, playlist) if e.archived else ""}
               for e in playlists.shown_entries(playlist)]
    first = next((row["play"] for row in entries if row["play"]), "")
    return render(request, "web/playlist.html", {"playlist": playlist, "channel": playlist.channel,
                                                 "entries": entries, "play_all": first,
                                                 "archived": sum(1 for row in entries if row["play"])})


def video_context(request, video: Video) -> dict:
    """The playlist bar of a video page opened from a playlist (``?list=&index=``); {} otherwise, or when the
    playlist does not hold this video at that place."""
    playlist_id, index = request.GET.get("list", ""), request.GET.get("index", "")
    if not playlist_id or not index.isdigit() or len(index) > 7:
        return {}
    candidates = Playlist.objects.filter(playlist_id=playlist_id, entries__position=int(index),
                                         entries__video_id=video.video_id).select_related("channel")
    playlist = (candidates.filter(channel_id=video.channel_id).first() or candidates.order_by("channel_id").first())
    if playlist is None:
        return {}
    entries = playlists.shown_entries(playlist)
    here = int(index)
    playable = [e for e in entries if e.archived]
    before = [e for e in playable if e.position < here]
    after = [e for e in playable if e.position > here]
    return {"in_playlist": {
        "playlist": playlist, "index": here, "total": len(entries),
        "previous": play_url(before[-1], playlist) if before else "",
        "next": play_url(after[0], playlist) if after else "",
        "next_title": after[0].title if after else "",
        "page": f"/channels/{playlist.channel_id}/playlists/{playlist.playlist_id}/",
    }}


@staff_button("/")
def add_playlist(request, channel_id: str) -> str:
    channel = get_object_or_404(Channel, pk=channel_id)
    playlist, created = playlists.add_playlist(channel, request.POST.get("url", ""))
    return (f"Added the playlist “{playlist.title}” ({playlist.entry_count} videos)." if created else
            f"The playlist “{playlist.title}” was there already: listed again ({playlist.entry_count} videos).")
