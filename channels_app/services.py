"""Channel services: add, change, delete, request a sync. Plain values in and out."""
from __future__ import annotations

import logging
import shutil

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from archiver import task_names, tree, urls
from archiver.errors import ConflictError, UserError
from archiver.limits import MAX_SYNC_INTERVAL_HOURS, MIN_SYNC_INTERVAL_HOURS
from archiver.state import deleted_channels, store, video_states
from archiver.vocabulary import VideoStatus
from archiver.ytdlp import listing, params
from channels_app import archive_events, tallies
from channels_app.models import Channel, SyncJob, Video

log = logging.getLogger(__name__)


def listing_options(channel: Channel | None = None) -> params.Options:
    """The options of a listing or page read (of ``channel``: with its extractor arguments)."""
    conf = settings.YTARCHIVE
    return params.Options(socket_timeout=conf["SOCKET_TIMEOUT"], http_retries=conf["HTTP_RETRIES"],
                         extractor_args=channel.extractor_args if channel is not None else "")


def add_channel(source_url: str, sync_interval_hours: float | None = None, enabled: bool = True,
                options: dict | None = None) -> Channel:
    """Normalise, resolve to a stable id, refuse duplicates, save (with its ``options``, in the same insert:
    a channel is never left half-made). UserError/ConflictError say why not."""
    canonical = urls.normalise(source_url)
    urls.check_public(canonical.url, settings.YTARCHIVE["ALLOW_PRIVATE_URLS"])
    if canonical.channel_id:
        _refuse_duplicate(canonical.channel_id)
    probe = listing.probe(canonical.url, listing_options())
    _refuse_duplicate(probe.key)
    channel = Channel(
        id=probe.key, url=probe.url if probe.url.startswith("http") else canonical.url,
        source_url=source_url.strip()[:2000], extractor=probe.extractor[:100],
        raw_id=probe.raw_id[:500], title=probe.title, description=probe.description,
        uploader=probe.uploader, thumbnail_url=probe.thumbnail[:2000], enabled=enabled,
    )
    if sync_interval_hours is not None:
        channel.sync_interval_hours = sync_interval_hours
    for name, value in (options or {}).items():
        setattr(channel, name, value)
    # Files of a channel deleted earlier without its files were counted then; its syncs and
    # downloads count them again as they adopt them, so they leave the total now.
    left_behind = tree.disk_usage(tree.channel_dir(settings.ARCHIVE_ROOT, channel.id))
    # Redis first: with Redis down, the add fails whole (a 503) rather than leaving a channel behind.
    deleted_channels.mark_channel_deleted(store.connect(settings.REDIS_URL), channel.id, deleted=False)
    try:
        with transaction.atomic():
            channel.save(force_insert=True)
            tallies.add_storage(-left_behind)
    except IntegrityError as exc:
        raise ConflictError(_ADDED_ALREADY.format(probe.key), channel=probe.key) from exc
    log.info("channel added channel=%s url=%s", channel.id, channel.url)
    return channel


# Added, not archived: a channel just added may have no video archived yet.
_ADDED_ALREADY = "Channel {0} was added already: it is on the channels page."


def _refuse_duplicate(channel_id: str) -> None:
    if Channel.objects.filter(pk=channel_id).exists():
        raise ConflictError(_ADDED_ALREADY.format(channel_id), channel=channel_id)


def delete_channel(channel: Channel, delete_files: bool = False) -> None:
    """Forget a channel; its files stay unless ``delete_files`` is asked for explicitly."""
    channel_id = channel.id
    r = store.connect(settings.REDIS_URL)
    deleted_channels.mark_channel_deleted(r, channel_id)  # queued downloads for it are dropped, not run
    archived = list(channel.videos.filter(status=VideoStatus.ARCHIVED).values_list("video_id", flat=True))
    channel.delete()
    video_states.forget_channel(r, channel_id)
    if delete_files:
        folder = tree.channel_dir(settings.ARCHIVE_ROOT, channel_id)
        freed = tree.disk_usage(folder)  # one channel's walk, on an explicit delete only
        shutil.rmtree(folder, ignore_errors=True)
        tallies.add_storage(-(freed - tree.disk_usage(folder)))
    for video_id in archived:  # out of the library views (channels_app.library_views)
        archive_events.video_removed.send(sender=None, channel_id=channel_id, video_id=video_id)
    log.info("channel deleted channel=%s files_deleted=%s", channel_id, delete_files)


def request_sync(channel: Channel, full: bool = False, trigger: str = "api") -> SyncJob:
    """Create a SyncJob and send it to the control queue; ConflictError if one is active.

    The partial unique constraint on SyncJob makes the check and the insert one
    atomic step: two requests at once cannot both start a sync. The message is
    sent after the commit; if sending fails (Redis away), the job stays queued
    and the sync reconciler sends it again (channels_app.sync_leases).
    """
    try:
        with transaction.atomic():
            job = SyncJob.objects.create(channel=channel, full=full, trigger=trigger, enqueued_at=timezone.now())
    except IntegrityError as exc:
        active = SyncJob.objects.filter(channel=channel, status__in=SyncJob.ACTIVE).first()
        raise ConflictError(
            f"A sync of {channel.id} is already {active.status if active else 'running'}.",
            sync_job=active.pk if active else None,
        ) from exc
    transaction.on_commit(lambda: publish_sync(job.pk))
    return job


def add_and_sync(source_url: str, sync_interval_hours: float | None = None, paused: bool = False,
                 enabled: bool | None = None, options: dict | None = None,
                 trigger: str = "api") -> tuple[Channel, SyncJob | None]:
    """Add a channel and start its first sync at once (as TubeArchivist and Pinchflat index at once), for the web
    app's add form, the API and the CLI alike. ``paused``: no sync now and, unless ``enabled`` says otherwise, its
    scheduled syncs off too, until a Sync or a resume. The job is None when paused."""
    channel = add_channel(source_url, sync_interval_hours, enabled=not paused if enabled is None else enabled,
                          options=options)
    return channel, None if paused else request_sync(channel, trigger=trigger)


def sync_or_running(channel: Channel, full: bool = False, trigger: str = "api") -> tuple[SyncJob, bool]:
    """A sync of ``channel`` now: a new job, or the one already queued or running when it does what was asked
    (``(job, started)``). A client that adds a channel and asks for a sync at once thus follows the add's own sync.
    A full sync asked while an incremental one is active stays a ConflictError: what runs is not what was asked."""
    for _ in range(2):  # the active job may end between the refused insert and the look-up: try once more
        try:
            return request_sync(channel, full=full, trigger=trigger), True
        except ConflictError as exc:
            active = SyncJob.objects.filter(pk=exc.extra.get("sync_job"), status__in=SyncJob.ACTIVE).first()
            if active is not None:
                if full and not active.full:
                    raise
                return active, False
    raise ConflictError(f"A sync of {channel.id} is already running.", sync_job=None)


def publish_sync(job_id: int) -> bool:
    """Send a sync job's message; False (logged, not raised) when the broker cannot take it now."""
    try:
        current_app.send_task(task_names.SYNC_CHANNEL, args=[job_id], retry=True,
                              retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5})
    except (OperationalError, OSError) as exc:
        log.warning("sync job=%s not sent (%s); the reconciler will send it", job_id, exc)
        return False
    return True


def validate_interval(hours) -> float:
    try:
        value = float(hours)
    except (TypeError, ValueError) as exc:
        raise UserError("sync_interval_hours must be a number of hours.") from exc
    if not MIN_SYNC_INTERVAL_HOURS <= value <= MAX_SYNC_INTERVAL_HOURS:
        raise UserError(f"sync_interval_hours must be between {MIN_SYNC_INTERVAL_HOURS} "
                        f"({MIN_SYNC_INTERVAL_HOURS * 3600:.0f} s) and {MAX_SYNC_INTERVAL_HOURS} (a year).")
    return value


def reconsider_skipped(channel: Channel) -> int:
    """Its cutoff date moved: the videos skipped for their date become new and are queued (the download
    checks each date against the new cutoff)."""
    moved = Video.objects.filter(channel=channel, status=VideoStatus.SKIPPED).update(
        status=VideoStatus.NEW, last_error="", updated_at=timezone.now())
    if moved:
        log.info("channel=%s: %s skipped video(s) weighed again", channel.id, moved)
        current_app.send_task(task_names.QUEUE_DOWNLOADS, args=[channel.id], retry=True)
    return moved


def queue_library_view(channel: Channel) -> None:
    """Ask the control queue to rebuild the channel's media-server library view (its layout changed)."""
    current_app.send_task(task_names.BUILD_LIBRARY_VIEW, args=[channel.id], retry=True)


def queue_nfo_files(channel: Channel, overwrite: bool = False) -> None:
    """Ask the control queue to write the channel's missing media-server files (channels_app.media_server)."""
    current_app.send_task(task_names.WRITE_NFO_FILES, args=[channel.id, overwrite], retry=True)


def channel_for(id_or_url: str) -> Channel:
    """The channel with this id, or the one this URL names (added when it is new)."""
    known = Channel.objects.filter(pk=id_or_url).first()
    if known is not None:
        return known
    try:
        return add_channel(id_or_url)
    except ConflictError as exc:  # known under another URL form: that one
        existing = Channel.objects.filter(pk=exc.extra.get("channel")).first()
        if existing is None:
            raise
        return existing
