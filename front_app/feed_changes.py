"""A podcast feed's Last-Modified moves when a video leaves it.

A feed's Last-Modified (front_app.feeds) is the newest change among its rows: the channel's and its
videos'. A removed video's row is gone, so nothing in what is left would say the feed changed and an
app asking ``If-Modified-Since`` alone would keep the removed episode; on ``video_removed``
(channels_app.archive_events) the channel's row is touched instead. A receiver never fails the sender.
"""
from __future__ import annotations

import logging

from django.dispatch import receiver
from django.utils import timezone

from channels_app import archive_events
from channels_app.models import Channel

log = logging.getLogger(__name__)


@receiver(archive_events.video_removed, dispatch_uid="front_app.feed_changes.video_removed")
def video_removed(sender, channel_id: str, video_id: str = "", **kwargs) -> None:
    try:
        Channel.objects.filter(pk=channel_id).update(updated_at=timezone.now())
    except Exception:  # the removal is done; a stale Last-Modified is the worst outcome
        log.exception("could not mark the feed of %s changed after %s left it", channel_id, video_id)
