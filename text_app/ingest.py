"""A downloaded video's words into the catalog: its subtitle files as cues, its comments.json as comments.

Run on the outcomes lane once an outcome made the video archived (downloads_app.outcomes), from the files
the download published; every track is read again whole (a re-download replaces them), comments are kept
(text_app.comments_store). Then ``video_text_changed`` tells whoever keeps a copy (the search index).
"""
from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archiver import comments_file, tree
from channels_app.models import Video
from text_app import comments_store, vtt_cues
from text_app.models import Cue
from text_app.signals import video_text_changed

log = logging.getLogger(__name__)
MAX_VTT_BYTES = 20_000_000  # a day of speech is a few MB


def track_cues(video: Video, folder: Path) -> list[Cue]:
    """Cue rows (not saved) of every subtitle file in the folder: ``{lang}.vtt`` and ``{lang}.auto.vtt``."""
    subs = tree.subtitles_dir(folder)
    rows = []
    for path in sorted(subs.glob("*.vtt")) if subs.is_dir() else ():
        lang, automatic = tree.subtitle_track(path.stem)
        try:
            if path.stat().st_size > MAX_VTT_BYTES:
                log.info("channel=%s video=%s: %s too big to read for cues", video.channel_id, video.video_id,
                         path.name)
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            log.info("channel=%s video=%s: %s not read: %s", video.channel_id, video.video_id, path.name, exc)
            continue
        rows += [Cue(video=video, lang=lang[:35], automatic=automatic, start=c.start, end=c.end, text=c.text)
                 for c in vtt_cues.parse(text)]
    return rows


def ingest(video: Video, now=None) -> tuple[int, int]:
    """The video's cues and comments from its archived folder; (cues stored, comments created or changed)."""
    now = now or timezone.now()
    folder = tree.video_dir(settings.ARCHIVE_ROOT, video.channel_id, video.video_id)
    cues = track_cues(video, folder)
    with transaction.atomic():
        Cue.objects.filter(video=video).delete()
        Cue.objects.bulk_create(cues, batch_size=1000)
    on_disk = comments_file.read(tree.comments_file(folder))
    changed = comments_store.keep(video, folder, on_disk, now) if on_disk else 0
    video_text_changed.send(sender=Video, video_pk=video.pk)
    log.info("channel=%s video=%s: %s cues, %s comments stored", video.channel_id, video.video_id, len(cues),
             changed)
    return len(cues), changed


def after_archived(video: Video) -> None:
    """``ingest``, its failure logged: the outcome is recorded whatever the words' fate."""
    try:
        ingest(video)
    except Exception:
        log.exception("channel=%s video=%s: cues and comments not stored", video.channel_id, video.video_id)


def after_page_read(video: Video, comments: dict | None) -> None:
    """A history refresh read the video's comments again (``comments``: a comments.json document): new ones
    added, gone ones kept and marked, in the catalog and the file."""
    if comments is None:
        return
    folder = tree.video_dir(settings.ARCHIVE_ROOT, video.channel_id, video.video_id)
    comments_store.keep(video, folder, comments, timezone.now())
    video_text_changed.send(sender=Video, video_pk=video.pk)
