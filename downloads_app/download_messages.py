"""The download message: what a worker is sent for one video, built from its row and its channel's options.

Download workers never read the database (nor DATA_DIR: the channel's cookies go through Redis,
archiver.cookies), so everything they need is in the message. Only the feeder sends one
(downloads_app.feeder), a window at a time.
"""
from __future__ import annotations

from celery import current_app
from django.conf import settings

from archiver import task_names
from archiver.messages import DownloadOptions, DownloadRequest
from archiver.state import store
from channels_app.channel_cookies import cookies_handover
from channels_app.models import Video
from channels_app.options import channel_profile


def download_request(video: Video) -> DownloadRequest:
    """Everything a download worker needs for ``video`` (its channel loaded with it)."""
    conf = settings.YTARCHIVE
    channel = video.channel
    return DownloadRequest(
        video_pk=video.pk, channel_id=video.channel_id, video_id=video.video_id, url=video.url,
        attempt=video.attempts + 1, title=video.title, description=video.description,
        duration=float(video.duration or 0.0),
        options=DownloadOptions(format=conf["FORMAT"], socket_timeout=conf["SOCKET_TIMEOUT"],
                                http_retries=conf["HTTP_RETRIES"], profile=channel_profile(channel),
                                sponsorblock_api=conf["SPONSORBLOCK_API"],
                                cookies_key=cookies_handover(store.connect(settings.REDIS_URL), channel)),
    )


def send_download(video: Video) -> None:
    current_app.send_task(task_names.DOWNLOAD_VIDEO, args=[download_request(video).as_dict()], queue="downloads",
                          retry=True)
