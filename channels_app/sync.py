"""A channel sync: refresh metadata, stream the listing into the database, then ask for downloads.

Memory stays flat whatever the channel's size: entries arrive lazily from
yt-dlp and are upserted in batches of YTARCHIVE_LISTING_BATCH; nothing holds
the whole listing. An incremental sync stops reading a tab at its first
known video (reading in small, growing batches, so a fully indexed channel
costs a handful of entries), but only once a full listing of the channel has
completed, so an interrupted first index is finished by the next sync, and only
for a tab known to list newest first (a channel's videos, shorts and streams, in
yt-dlp's order). A playlist or feed may list oldest first and grow at its end:
its incremental sync reads it all, comparing each batch with the known videos
in one query (``video_id IN (...)``) and never stopping early.

Each batch is written in a few statements whatever its size: one read of its
known videos, one upsert per group of missing fields, one ``bulk_update`` and one
``bulk_create`` of history (channels_app.history).

A running sync holds a lease: ``SyncHeartbeat`` renews ``heartbeat_at`` while
it works. When its worker dies the heartbeat goes stale and
channels_app.sync_leases requeues the job; the listing is idempotent, so the
next attempt simply resumes. Downloads are asked for by sending
``downloads_app.tasks.queue_downloads`` by name: the catalog never imports the
download side.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import threading

from celery import current_app
from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from archiver import channel_options, cookies, egress, log_context, nfo, task_names, tree, urls
from archiver.egress import Pool
from archiver.errors import UserError
from archiver.state import egress as egress_state
from archiver.state import store, video_states
from archiver.vocabulary import JobStatus, VideoStatus
from archiver.ytdlp import images, listing, params
from channels_app import archive_events, history, tallies
from channels_app.channel_cookies import channel_cookies
from channels_app.models import Channel, SyncJob, Video
from channels_app.options import channel_profile, wants_tab
from channels_app.services import listing_options

log = logging.getLogger(__name__)
_UPDATE_FIELDS = ["raw_id", "url", "title", "tab", "duration", "upload_date"]
FIRST_INCREMENTAL_BATCH = 4
#: Tabs whose listing is newest first (channel tabs, as YouTube and yt-dlp order them): the only ones an
#: incremental sync may stop reading at a known video. A flat playlist or feed ("uploads") has no known order.
NEWEST_FIRST_TABS = frozenset(listing.YOUTUBE_TABS)


def stops_early(tab: str, incremental: bool) -> bool:
    """True when an incremental sync may stop reading ``tab`` at its first known video."""
    return incremental and tab in NEWEST_FIRST_TABS


class LeaseLost(Exception):
    """Another attempt took this sync over (ours was presumed dead): stop without writing."""


class SyncHeartbeat(threading.Thread):
    """Renews the job's ``heartbeat_at`` every third of the lease while the sync runs.

    The update is conditional on the attempt number, so a sync that was given
    up for dead (and restarted elsewhere) learns it lost the lease and stops.
    """

    def __init__(self, job_id: int, attempt: int, lease_seconds: float):
        super().__init__(daemon=True, name=f"sync-heartbeat-{job_id}")
        self.job_id, self.attempt, self.interval = job_id, attempt, lease_seconds / 3
        self.stopped = threading.Event()
        self.lost = False
        self.log_ids = log_context.current()  # a new thread starts without the sync's channel id

    def run(self):
        with log_context.bound(**self.log_ids):
            self._beat()

    def _beat(self):
        try:
            while not self.stopped.wait(self.interval):
                try:
                    renewed = SyncJob.objects.filter(
                        pk=self.job_id, status=JobStatus.RUNNING, attempts=self.attempt,
                    ).update(heartbeat_at=timezone.now())
                except Exception as exc:  # a busy database: try again next beat
                    log.info("sync heartbeat job=%s not renewed: %s", self.job_id, exc)
                    continue
                if not renewed:
                    self.lost = True
                    return
        finally:
            connections.close_all()  # this thread's own connection


def claim(job_id: int) -> SyncJob | None:
    """Move a queued job to running atomically; None if another worker has it (or it is gone)."""
    now = timezone.now()
    claimed = SyncJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1,
    )
    return SyncJob.objects.select_related("channel").get(pk=job_id) if claimed == 1 else None


def run_sync(job_id: int) -> SyncJob | None:
    job = claim(job_id)
    if job is None:
        log.info("sync %s not claimed (already taken or gone)", job_id)
        return None
    channel = job.channel
    with log_context.bound(channel_id=channel.id):
        return _run_claimed(job, channel)


def _run_claimed(job: SyncJob, channel: Channel) -> SyncJob | None:
    log.info("sync started job=%s channel=%s full=%s attempt=%s", job.pk, channel.id, job.full, job.attempts)
    heartbeat = SyncHeartbeat(job.pk, job.attempts, settings.YTARCHIVE["LEASE_SECONDS"])
    heartbeat.start()
    mine = SyncJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)
    try:
        _refresh_metadata(channel)
        incremental = not job.full and channel.last_full_index_at is not None
        seen, new = _index(channel, job, incremental, heartbeat)
        write_uploads_playlist(channel)
        account_own_files(channel.pk)
        to_queue = Video.objects.filter(channel=channel, status=VideoStatus.NEW).count()
    except LeaseLost:
        log.warning("sync job=%s channel=%s: lease lost to a newer attempt; stopping", job.pk, channel.id)
        return None
    except Exception as exc:  # the job row must say what happened, whatever it was
        reason = str(exc) if isinstance(exc, UserError) else f"{exc.__class__.__name__}: {exc}"
        log.warning("sync failed job=%s channel=%s: %s", job.pk, channel.id, reason)
        mine.update(status=JobStatus.FAILED, finished_at=timezone.now(), error=reason[:5000])
        return SyncJob.objects.get(pk=job.pk)
    finally:
        heartbeat.stopped.set()
    now = timezone.now()
    channel_updates = {"last_synced_at": now, "updated_at": now}
    if not incremental:
        channel_updates["last_full_index_at"] = now
    with transaction.atomic():
        if not mine.update(status=JobStatus.SUCCEEDED, finished_at=now, videos_seen=seen, videos_new=new,
                           videos_queued=to_queue):
            log.warning("sync job=%s finished after losing its lease; result dropped", job.pk)
            return None
        Channel.objects.filter(pk=channel.pk).update(**channel_updates)
    if to_queue:
        current_app.send_task(task_names.QUEUE_DOWNLOADS,  # by name: the catalog never imports downloads_app
                               args=[channel.id], retry=True)
    from channels_app.playlists import request_refresh

    request_refresh(channel.id)  # its playlists, on their own: a failure there never fails this sync
    log.info("sync done job=%s channel=%s seen=%s new=%s to_queue=%s", job.pk, channel.id, seen, new, to_queue)
    return SyncJob.objects.get(pk=job.pk)


def _refresh_metadata(channel: Channel) -> None:
    """Re-read the channel's title, description and avatar, and write metadata.json."""
    # Checked again on every sync: a host's DNS can change after the channel was added.
    urls.check_public(channel.url, settings.YTARCHIVE["ALLOW_PRIVATE_URLS"])
    probe = listing.probe(channel.url, listing_options(channel))
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
        "banner_url": probe.banner,
        "added_at": channel.created_at.isoformat(),
        "metadata_refreshed_at": timezone.now().isoformat(),
    })
    tree.make_videos_dir(settings.ARCHIVE_ROOT, channel.id)
    write_banner(channel, probe.banner)
    if channel_profile(channel).write_nfo:
        write_show_files(channel)
    archive_events.channel_files_changed.send(sender=None, channel_id=channel.id)  # its name, show files, banner


def write_banner(channel: Channel, url: str) -> None:
    """banner.jpg (the channel's wide banner), the library's artwork: kept as it was when none can be had."""
    banner = images.fetch_image(url, listing_options()) if url else None
    if banner:
        tree.write_bytes_atomic(tree.banner_path(settings.ARCHIVE_ROOT, channel.id), banner)


def write_show_files(channel: Channel) -> None:
    """tvshow.nfo and poster.jpg (the channel's avatar), for media servers that show a channel as a show."""
    root = settings.ARCHIVE_ROOT
    poster = images.fetch_image(channel.thumbnail_url, listing_options()) if channel.thumbnail_url else None
    if poster:
        tree.write_bytes_atomic(tree.poster_path(root, channel.id), poster)
    tree.write_lines_atomic(tree.show_nfo_path(root, channel.id), [nfo.show_nfo({
        "id": channel.id, "site_id": channel.raw_id, "extractor": channel.extractor, "url": channel.url,
        "title": channel.title, "uploader": channel.uploader, "description": channel.description,
        "poster": tree.poster_path(root, channel.id).is_file(),
    })])


def _batches(entries, incremental: bool, batch_size: int):
    """Full syncs read big batches; incremental ones start small and double, to stop early."""
    size = min(FIRST_INCREMENTAL_BATCH, batch_size) if incremental else batch_size
    while True:
        batch = []
        for entry in entries:
            batch.append(entry)
            if len(batch) >= size:
                break
        if not batch:
            return
        yield batch
        size = min(batch_size, size * 2)


def _index(channel: Channel, job: SyncJob, incremental: bool, heartbeat: SyncHeartbeat) -> tuple[int, int]:
    """List the channel with its own pacing and cookies (a private copy, gone when the listing ends)."""
    profile = channel_profile(channel)
    with cookies.private_copy(channel_cookies(channel)) as cookiefile:
        options = dataclasses.replace(listing_options(channel), profile=profile, cookiefile=str(cookiefile or ""))
        # Through an egress identity unpaused for the site; counted in its listing window, apart from
        # the downloads' budget (archiver.egress).
        with egress.reading(store.connect(settings.REDIS_URL), Pool.from_settings(settings.YTARCHIVE), channel.url,
                            kind=egress_state.LISTING, lease_seconds=3600) as identity:
            seen, new, listed = _index_tabs(channel, job, incremental, heartbeat, profile,
                                            dataclasses.replace(options, **identity.ytdlp_params()))
        # Only a listing that showed everything can say a video is gone (no filter left anything out).
        if not incremental and not (profile.newest_n or profile.skip_keywords or profile.published_after):
            history.mark_removed(channel, set(listed), set().union(*listed.values()) if listed else set())
        history.refresh_pages(channel, options)
        return seen, new


def _index_tabs(channel: Channel, job: SyncJob, incremental: bool, heartbeat: SyncHeartbeat,
                profile: channel_options.Profile, options: params.Options) -> tuple[int, int, dict[str, set]]:
    """List every wanted tab; (entries seen, new videos, the video ids each tab listed)."""
    batch_size = settings.YTARCHIVE["LISTING_BATCH"]
    seen = new = 0
    listed: dict[str, set] = {}
    for tab, entries in listing.iter_tabs(channel.url, options):
        if not wants_tab(channel, tab):
            log.info("sync job=%s channel=%s tab=%s skipped (channel options)", job.pk, channel.id, tab)
            continue
        ids = listed.setdefault(tab, set())
        early = stops_early(tab, incremental)
        for batch in _batches(channel_options.listed(entries, profile), early, batch_size):
            if heartbeat.lost:
                raise LeaseLost()
            if early:
                batch = _until_first_known(channel, batch)
            batch_new, reached_known = _upsert(channel, tab, batch)
            ids.update(e.video_id for e in batch)
            seen += len(batch)
            new += batch_new
            SyncJob.objects.filter(pk=job.pk, attempts=job.attempts).update(
                videos_seen=seen, videos_new=new, heartbeat_at=timezone.now())
            if early and reached_known:
                log.info("sync job=%s channel=%s tab=%s reached a known video", job.pk, channel.id, tab)
                break
    return seen, new, listed


def _until_first_known(channel: Channel, batch: list[listing.Entry]) -> list[listing.Entry]:
    """The batch up to and including its first already-listed video (the rest is known)."""
    known = set(Video.objects.filter(channel=channel, video_id__in=[e.video_id for e in batch])
                .values_list("video_id", flat=True))
    for n, entry in enumerate(batch):
        if entry.video_id in known:
            return batch[:n + 1]
    return batch


def _upsert(channel: Channel, tab: str, batch: list[listing.Entry]) -> tuple[int, bool]:
    """Insert new videos and refresh listed fields of known ones; status is never touched."""
    unique = {entry.video_id: entry for entry in batch}
    stamp = int(timezone.now().timestamp())
    with transaction.atomic():
        known = {v.video_id: v for v in Video.objects.filter(channel=channel, video_id__in=list(unique)).only(
            "id", "video_id", "title", "duration", "view_count", "view_series", "availability", "removed_upstream_at")}
        existing = set(known)
        history.record_listing(known, list(unique.values()))
        # A listing that gives no date or length (YouTube's gives no date) never erases the one
        # the video's own page gave when it was downloaded (downloads_app.outcomes).
        groups: dict[tuple[str, ...], list[listing.Entry]] = {}
        for e in unique.values():
            unknown = (("upload_date",) if not e.upload_date else ()) + (("duration",) if e.duration is None else ())
            groups.setdefault(unknown, []).append(e)
        for unknown, entries in groups.items():
            Video.objects.bulk_create(
                [
                    Video(channel=channel, video_id=e.video_id, raw_id=e.raw_id[:500], url=e.url[:2000],
                          title=e.title, tab=tab, duration=e.duration, upload_date=e.upload_date or "",
                          view_count=e.view_count, description=e.description,
                          view_series=[[stamp, e.view_count]] if e.view_count is not None else [])
                    for e in entries
                ],
                update_conflicts=True,
                unique_fields=["channel", "video_id"],
                update_fields=[f for f in _UPDATE_FIELDS if f not in unknown],
            )
    fresh = [vid for vid in unique if vid not in existing]
    if fresh:
        video_states.add_states(store.connect(settings.REDIS_URL), channel.id, fresh, VideoStatus.NEW)
    return len(fresh), bool(existing)


def account_own_files(channel_id: str) -> None:
    """Measure the channel's own files after a sync rewrote them, and move the storage total by the change."""
    now_bytes = tree.channel_own_disk_usage(settings.ARCHIVE_ROOT, channel_id)
    with transaction.atomic():
        before = Channel.objects.select_for_update().filter(pk=channel_id).values_list("own_disk_bytes", flat=True)
        if not before:
            return
        Channel.objects.filter(pk=channel_id).update(own_disk_bytes=now_bytes)
        tallies.add_storage(now_bytes - before[0])


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
