"""Cues and comments for videos archived before their words were read into the catalog.

An outcome fills them for every new download (text_app.ingest); a video archived earlier has its
subtitle files (and perhaps a comments.json) on disk but no rows, so nothing would find what it says.
``read_archived`` walks the archived videos in pk order, a slice at a time, and reads each one's folder;
it gives the last pk done, so a stopped run goes on from there (``after``), and reading a video twice
changes nothing (the cues are replaced, the comments merged).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from archiver.vocabulary import VideoStatus
from channels_app.models import Video
from text_app.ingest import ingest

log = logging.getLogger(__name__)
SLICE = 200


def read_archived(after: int = 0, channel_id: str = "", limit: int = 0,
                  on_slice: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """(videos read, last pk read) of the archived videos past pk ``after`` (of one channel if given; at most
    ``limit``, 0: all); ``on_slice(read so far, last pk)`` after each slice."""
    videos = Video.objects.filter(status=VideoStatus.ARCHIVED).order_by("pk")
    if channel_id:
        videos = videos.filter(channel_id=channel_id)
    done, last = 0, after
    while not limit or done < limit:
        chunk = list(videos.filter(pk__gt=last)[:SLICE if not limit else min(SLICE, limit - done)])
        if not chunk:
            break
        for video in chunk:
            ingest(video)
            last = video.pk
        done += len(chunk)
        if on_slice:
            on_slice(done, last)
    return done, last
