"""Media-server files for videos archived before they were wanted: video.nfo, tvshow.nfo, poster.jpg.

New downloads write their video.nfo inside the folder before it is published
(archiver.download); this writes the ones missing from older folders, each
atomically, from the video's own video.info.json, and refreshes the channel's
tvshow.nfo and poster. Run from ``ytarchive nfo`` (a control task) or
``manage.py write_nfo``.
"""
from __future__ import annotations

import json
import logging

from django.conf import settings

from archiver import nfo, tree
from archiver.vocabulary import VideoStatus
from channels_app import archive_events
from channels_app.models import Channel, Video

log = logging.getLogger(__name__)


def write_nfo_files(channel: Channel, overwrite: bool = False) -> dict:
    """Write the channel's missing (or, with ``overwrite``, all) NFO files; counts of written and skipped."""
    from channels_app.sync import write_show_files

    root = settings.ARCHIVE_ROOT
    written = skipped = 0
    archived = Video.objects.filter(channel=channel, status=VideoStatus.ARCHIVED).values_list("video_id", flat=True)
    for video_id in archived.iterator():
        folder = tree.video_dir(root, channel.id, video_id)
        target = tree.nfo_file(folder)
        if target.exists() and not overwrite:
            skipped += 1
            continue
        try:
            info = json.loads(tree.info_file(folder).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.info("channel=%s video=%s: no NFO, its info.json cannot be read: %s", channel.id, video_id, exc)
            skipped += 1
            continue
        tree.write_lines_atomic(target, [nfo.video_nfo(info)])
        written += 1
    if tree.channel_dir(root, channel.id).is_dir():
        write_show_files(channel)
        archive_events.channel_files_changed.send(sender=None, channel_id=channel.id)
    log.info("channel=%s: %s video.nfo written, %s skipped", channel.id, written, skipped)
    return {"written": written, "skipped": skipped}
