"""A channel sync: refresh metadata, stream the listing into the database, queue downloads.

Memory stays flat whatever the channel's size: entries arrive lazily from
yt-dlp and are upserted in batches of YTARCHIVE_LISTING_BATCH; nothing holds
the whole listing. An incremental sync stops reading a tab at its first
known video, but only once a full listing of the channel has completed, so an
interrupted first index is finished by the next sync.
"""
from __future__ import annotations

import itertools
import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from archiver import tree, urls, ytdlp
from archiver.errors import UserError
from channels_app.models import Channel, SyncJob
from channels_app.services import listing_options
from downloads_app.models import Video
from downloads_app.services import queue_new_videos

log = logging.getLogger(__name__)
_UPDATE_FIELDS = ["raw_id", "url", "title", "tab", "duration", "upload_date"]


def claim(job_id: int) -> SyncJob | None:
    """Move a queued job to running atomically; None if another worker has it (or it is gone)."""
    claimed = SyncJob.objects.filter(pk=job_id, status=SyncJob.Status.QUEUED).update(
        status=SyncJob.Status.RUNNING, started_at=timezone.now()
    )
    return SyncJob.objects.select_related("channel").get(pk=job_id) if claimed == 1 else None


def run_sync(job_id: int) -> SyncJob | None:
    job = claim(job_id)
    if job is None:
        log.info("sync %s not claimed (already taken or gone)", job_id)
        return None
    channel = job.channel
    log.info("sync started job=%s channel=%s full=%s", job.pk, channel.id, job.full)
    try:
        _refresh_metadata(channel)
        incremental = not job.full and channel.last_full_index_at is not None
        seen, new = _index(channel, job, incremental)
        write_uploads_playlist(channel)
        queued = queue_new_videos(channel)
    except Exception as exc:  # the job row must say what happened, whatever it was
        reason = str(exc) if isinstance(exc, UserError) else f"{exc.__class__.__name__}: {exc}"
        log.warning("sync failed job=%s channel=%s: %s", job.pk, channel.id, reason)
        SyncJob.objects.filter(pk=job.pk).update(
            status=SyncJob.Status.FAILED, finished_at=timezone.now(), error=reason[:5000]
        )
        return SyncJob.objects.get(pk=job.pk)
    now = timezone.now()
    channel_updates = {"last_synced_at": now}
    if not incremental:
        channel_updates["last_full_index_at"] = now
    Channel.objects.filter(pk=channel.pk).update(**channel_updates)
    SyncJob.objects.filter(pk=job.pk).update(
        status=SyncJob.Status.SUCCEEDED, finished_at=now,
        videos_seen=seen, videos_new=new, videos_queued=queued,
    )
    log.info("sync done job=%s channel=%s seen=%s new=%s queued=%s", job.pk, channel.id, seen, new, queued)
    return SyncJob.objects.get(pk=job.pk)


def _refresh_metadata(channel: Channel) -> None:
    """Re-read the channel's title, description and avatar, and write metadata.json."""
    # Checked again on every sync: a host's DNS can change after the channel was added.
    urls.check_public(channel.url, settings.YTARCHIVE["ALLOW_PRIVATE_URLS"])
    probe = ytdlp.probe(channel.url, listing_options())
    Channel.objects.filter(pk=channel.pk).update(
        title=probe.title, description=probe.description, uploader=probe.uploader,
        thumbnail_url=probe.thumbnail[:2000], updated_at=timezone.now(),
    )
    channel.refresh_from_db()
    tree.write_json_atomic(tree.channel_metadata_path(settings.ARCHIVE_ROOT, channel.id), {
        "id": channel.id,
        "site_id": channel.raw_id,
        "extractor": channel.extractor,
        "url": channel.url,
        "title": channel.title,
        "uploader": channel.uploader,
        "description": channel.description,
        "thumbnail_url": channel.thumbnail_url,
        "added_at": channel.created_at.isoformat(),
        "metadata_refreshed_at": timezone.now().isoformat(),
    })


def _index(channel: Channel, job: SyncJob, incremental: bool) -> tuple[int, int]:
    batch_size = settings.YTARCHIVE["LISTING_BATCH"]
    seen = new = 0
    for tab, entries in ytdlp.iter_tabs(channel.url, listing_options()):
        while True:
            batch = list(itertools.islice(entries, batch_size))
            if not batch:
                break
            batch_new, known = _upsert(channel, tab, batch)
            seen += len(batch)
            new += batch_new
            SyncJob.objects.filter(pk=job.pk).update(videos_seen=seen, videos_new=new)
            if incremental and known:
                log.info("sync job=%s channel=%s tab=%s reached a known video", job.pk, channel.id, tab)
                break
    return seen, new


def _upsert(channel: Channel, tab: str, batch: list[ytdlp.Entry]) -> tuple[int, bool]:
    """Insert new videos and refresh listed fields of known ones; status is never touched."""
    unique = {entry.video_id: entry for entry in batch}
    with transaction.atomic():
        existing = set(
            Video.objects.filter(channel=channel, video_id__in=list(unique)).values_list("video_id", flat=True)
        )
        Video.objects.bulk_create(
            [
                Video(channel=channel, video_id=e.video_id, raw_id=e.raw_id[:500], url=e.url[:2000],
                      title=e.title, tab=tab, duration=e.duration, upload_date=e.upload_date or "")
                for e in unique.values()
            ],
            update_conflicts=True,
            unique_fields=["channel", "video_id"],
            update_fields=_UPDATE_FIELDS,
        )
    return len(unique) - len(existing), bool(existing)


def write_uploads_playlist(channel: Channel) -> None:
    """playlists/uploads.json: every listed video, newest first, streamed from the database."""
    rows = (
        Video.objects.filter(channel=channel)
        .order_by("-upload_date", "id")
        .values_list("video_id", "title", "tab", "upload_date", "duration", "url")
    )

    def chunks():
        yield json.dumps({"channel_id": channel.id, "title": channel.title,
                          "generated_at": timezone.now().isoformat()})[:-1]
        yield ', "videos": ['
        for n, (vid, title, tab, date, duration, url) in enumerate(rows.iterator(chunk_size=2000)):
            item = {"id": vid, "title": title, "tab": tab, "upload_date": date or None,
                    "duration": duration, "url": url}
            yield ("," if n else "") + "\n  " + json.dumps(item, ensure_ascii=False)
        yield "\n]}"

    tree.write_lines_atomic(tree.uploads_playlist_path(settings.ARCHIVE_ROOT, channel.id), chunks())
