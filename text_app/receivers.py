"""text_app follows the catalog's history refresh (channels_app.history sends ``video_page_read``): the
catalog never imports text_app, text_app listens."""
from __future__ import annotations

import logging

from django.dispatch import receiver

from channels_app.history import video_page_read
from channels_app.models import Video
from text_app.ingest import after_page_read

log = logging.getLogger(__name__)


@receiver(video_page_read, dispatch_uid="text_app.comments_on_page_read")
def _page_read(sender, video_pk: int, comments: dict | None = None, **kwargs) -> None:
    if comments is None:
        return
    video = Video.objects.filter(pk=video_pk).first()
    if video is None:
        return
    try:
        after_page_read(video, comments)
    except Exception:
        log.exception("channel=%s video=%s: comments of the refresh not stored", video.channel_id, video.video_id)
