"""``playlists/uploads.json`` complete after the first sync (issue 26): the upload dates the downloads bring.

A sync writes uploads.json from the catalog when its listing ends (channels_app.sync); a listing that
gives no dates (YouTube's) leaves them empty until each video's own page is read by its download. So an
outcome that brings a date the catalog lacked asks for a rewrite: one delayed task per burst of outcomes
(a Redis claim, archiver.state.uploads_rewrite), never one per video on a 20k-video channel. The rewrite
streams the file from the database again (``sync.write_uploads_playlist``).
"""
from __future__ import annotations

import logging

from django.conf import settings

from archiver import task_names
from archiver.state import store, uploads_rewrite

log = logging.getLogger(__name__)


def delay_seconds() -> float:
    return settings.YTARCHIVE["UPLOADS_REWRITE_SECONDS"]


def rewrite_soon(channel_id: str) -> None:
    """A rewrite of the channel's uploads.json in a few seconds, unless one is already on its way.
    Never raises: the outcome being recorded matters more than the file (the next sync rewrites it)."""
    from celery import current_app

    seconds = delay_seconds()
    try:
        if uploads_rewrite.claim(store.connect(settings.REDIS_URL), channel_id, seconds + 300):
            current_app.send_task(task_names.REWRITE_UPLOADS_PLAYLIST, args=[channel_id], countdown=seconds,
                                  retry=False)
    except Exception as exc:
        log.warning("uploads.json rewrite of %s not asked for: %s", channel_id, exc)


def rewrite_now(channel_id: str) -> None:
    """Write the channel's uploads.json from the catalog (its claim let go first: later outcomes ask again)."""
    from channels_app.models import Channel
    from channels_app.sync import write_uploads_playlist

    uploads_rewrite.release(store.connect(settings.REDIS_URL), channel_id)
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is not None:
        write_uploads_playlist(channel)
