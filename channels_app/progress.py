"""A channel's live progress: counts per status from Redis, rebuilt from the database when lost.

The database is the truth for stored statuses; Redis adds what only workers
know (which videos download now, and their byte counts). A poll is one
HGETALL plus one read per download in flight, never a count over the videos.
"""
from __future__ import annotations

from django.conf import settings

from archiver.state import download_locks, download_progress, store, video_states
from archiver.vocabulary import VideoStatus
from channels_app.models import Video
from channels_app.status_counts import of_channel as status_counts_of


def redis():
    return store.connect(settings.REDIS_URL)


def progress(channel_id: str) -> dict:
    """``{"total", one count per VideoStatus, "in_flight": [...]}``."""
    counts = video_states.progress(redis(), channel_id)
    if counts is None:
        counts = rebuild_progress(channel_id)
    return {**counts, "in_flight": downloads_in_flight(channel_id)}


def downloads_in_flight(channel_id: str) -> list[dict]:
    """The channel's downloads running now, with the byte counts their workers publish."""
    r = redis()
    flights = []
    for video_id in download_locks.locked_videos(r, channel_id):
        live = download_progress.download_progress(r, channel_id, video_id)
        flights.append({
            "video_id": video_id,
            "downloaded_bytes": int(float(live.get("downloaded_bytes") or 0)),
            "total_bytes": int(float(live["total_bytes"])) if live.get("total_bytes") else None,
            "speed": float(live["speed"]) if live.get("speed") else None,
            "eta": float(live["eta"]) if live.get("eta") else None,
        })
    return flights


def rebuild_progress(channel_id: str) -> dict:
    """Recount a channel's live state from the database (after Redis lost it).

    A queued video whose download lock is held right now counts as downloading.
    """
    r = redis()
    locked = set(download_locks.locked_videos(r, channel_id))
    states = {
        video_id: VideoStatus.DOWNLOADING if status == VideoStatus.QUEUED and video_id in locked else status
        for video_id, status in Video.objects.filter(channel_id=channel_id).values_list("video_id", "status")
    }
    return video_states.rebuild_progress(r, channel_id, states)


def status_counts(channel_id: str) -> dict[str, int]:
    """Stored statuses as the database knows them (every status present, zeros included): the channel's
    StatusCount rows, kept with every change of a video (channels_app.status_counts), never a COUNT."""
    return status_counts_of(channel_id)


def drifted(channel_id: str) -> bool:
    """True when Redis's counts disagree with the database on what the database knows for sure."""
    live = video_states.progress(redis(), channel_id)
    if live is None:
        return True
    stored = status_counts(channel_id)
    settled = (VideoStatus.ARCHIVED, VideoStatus.FAILED, VideoStatus.RETRYING, VideoStatus.NEW)
    return live["total"] != sum(stored.values()) or any(live[s] != stored[s] for s in settled)
