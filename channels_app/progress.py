"""A channel's live progress: counts per status from Redis, rebuilt from the database when lost.

The database is the truth for stored statuses; Redis adds what only workers
know (which videos download now, and their byte counts). A poll is one
HGETALL plus one read per download in flight, never a count over the videos.
"""
from __future__ import annotations

import time

from django.conf import settings

from archiver.state import download_locks, download_progress, store, video_states, worker_presence
from archiver.vocabulary import FixityStatus, FlightState, VideoStatus
from channels_app.models import Video
from channels_app.status_counts import of_channel as status_counts_of


def redis():
    return store.connect(settings.REDIS_URL)


def progress(channel_id: str) -> dict:
    """``{"total", one count per VideoStatus, "interrupted", "damaged", "in_flight": [...]}``.

    ``downloading`` counts only downloads whose worker is alive (a fresh heartbeat): never more than the
    workers' threads. A video marked downloading whose worker died (killed, its lease not yet expired or
    not yet reconciled) counts as ``interrupted``: it is resumed once its lease runs out.
    """
    counts = video_states.progress(redis(), channel_id)
    if counts is None:
        counts = rebuild_progress(channel_id)
    flights = downloads_in_flight(channel_id)
    live = sum(1 for f in flights if f["state"] == DOWNLOADING)
    marked = counts.get(VideoStatus.DOWNLOADING, 0)
    counts[VideoStatus.DOWNLOADING] = min(marked, live)
    counts[INTERRUPTED] = marked - counts[VideoStatus.DOWNLOADING]
    return {**counts, FixityStatus.DAMAGED: damaged(channel_id), "in_flight": flights}


def damaged(channel_id: str) -> int:
    """Archived videos of the channel whose last fixity check failed (read off the partial index of the few)."""
    return Video.objects.filter(channel_id=channel_id, status=VideoStatus.ARCHIVED,
                                fixity_status=FixityStatus.DAMAGED).count()


DOWNLOADING, INTERRUPTED = FlightState.DOWNLOADING, FlightState.INTERRUPTED


def _flight(channel_id: str, video_id: str, live: dict, now: float, workers: set[str]) -> dict:
    return {
        "channel_id": channel_id,
        "video_id": video_id,
        "state": DOWNLOADING if download_progress.is_live(live, now, workers) else INTERRUPTED,
        "downloaded_bytes": int(float(live.get("downloaded_bytes") or 0)),
        "total_bytes": int(float(live["total_bytes"])) if live.get("total_bytes") else None,
        "speed": float(live["speed"]) if live.get("speed") else None,
        "eta": float(live["eta"]) if live.get("eta") else None,
    }


def downloads_in_flight(channel_id: str) -> list[dict]:
    """The channel's downloads holding a lock now, with the byte counts their workers publish; ``state``
    says whether the worker is alive (``downloading``) or its lease lapsed with it (``interrupted``)."""
    r, now = redis(), time.time()
    workers = worker_presence.live_worker_names(r)
    return [_flight(channel_id, video_id, download_progress.download_progress(r, channel_id, video_id), now, workers)
            for video_id in download_locks.locked_videos(r, channel_id)]


def every_download_in_flight() -> list[dict]:
    """Every download holding a lock, across channels, in one Redis round trip (the queue page's poll):
    one entry per download whatever the backlog, live ones first, then by channel and video."""
    r, now = redis(), time.time()
    workers = worker_presence.live_worker_names(r)
    flights = [_flight(c, v, live, now, workers) for c, v, live in download_locks.held_locks(r)]
    return sorted(flights, key=lambda f: (f["state"] != DOWNLOADING, f["channel_id"], f["video_id"]))


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
