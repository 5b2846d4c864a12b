"""Control-side tasks for the catalog (each routed to its lane: config.lanes): thin wrappers around services."""
from celery import shared_task

from archiver import task_names
from archiver.errors import ConflictError


@shared_task(name=task_names.SYNC_CHANNEL, acks_late=True, ignore_result=True)
def sync_channel(job_id: int) -> None:
    from channels_app.sync import run_sync

    run_sync(job_id)


@shared_task(name=task_names.SCHEDULED_SYNC, ignore_result=True)
def scheduled_sync(channel_id: str) -> None:
    """Beat's periodic sync: incremental, skipped while another sync runs (a dead one is reconciled)."""
    from channels_app.models import Channel
    from channels_app.services import request_sync

    channel = Channel.objects.filter(pk=channel_id, enabled=True).first()
    if channel is None:
        return
    try:
        request_sync(channel, full=False, trigger="schedule")
    except ConflictError:
        pass


@shared_task(name=task_names.RECONCILE_SYNCS, ignore_result=True)
def reconcile_syncs() -> dict:
    from channels_app.sync_leases import reconcile_syncs as run

    return run()


@shared_task(name=task_names.BACKUP_DATABASE, ignore_result=True)
def backup_database() -> str:
    """Beat's daily copy of the SQLite database (channels_app.backups); PostgreSQL is left to pg_dump."""
    from pathlib import Path

    from django.conf import settings

    from channels_app.backups import backup_sqlite

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return "not sqlite: use pg_dump"
    return str(backup_sqlite(Path(db["NAME"]), settings.DATA_DIR / "backups", settings.YTARCHIVE["BACKUP_KEEP"]))


@shared_task(name=task_names.WRITE_NFO_FILES, ignore_result=True)
def write_nfo_files(channel_id: str, overwrite: bool = False) -> dict:
    """``ytarchive nfo``: the media-server files of videos archived before (channels_app.media_server)."""
    from channels_app.media_server import write_nfo_files as run
    from channels_app.models import Channel

    channel = Channel.objects.filter(pk=channel_id).first()
    return run(channel, overwrite) if channel else {"written": 0, "skipped": 0}


@shared_task(name=task_names.BUILD_LIBRARY_VIEW, ignore_result=True)
def build_library_view(channel_id: str) -> None:
    """A channel's library view rebuilt after its layout changed (channels_app.library_views): off the web
    request, since a big channel's view is many links."""
    from channels_app import archive_events

    archive_events.channel_files_changed.send(sender=None, channel_id=channel_id)


@shared_task(name=task_names.NOTIFY_ROUND, ignore_result=True)
def notify_round() -> int:
    """Beat's round of notifications (channels_app.notify): new videos, failures, site pauses."""
    from channels_app.notify import notify_round as run

    return run()


@shared_task(name=task_names.SEND_NOTIFICATION, bind=True, ignore_result=True, max_retries=4)
def send_notification(self, targets: list[str], title: str, body: str) -> bool:
    """Deliver one message to the targets named (``"global"``, ``"channel:<id>"``: never a URL, which holds
    secrets); retried with backoff when a service refuses it, then given up (logged)."""
    from channels_app.notify import send

    if send(targets, title, body):
        return True
    if self.request.retries < self.max_retries:
        raise self.retry(countdown=10 * 2 ** self.request.retries)
    import logging

    logging.getLogger(__name__).warning("notification %r not delivered after %s tries", title,
                                        self.request.retries + 1)
    return False


@shared_task(name=task_names.FIXITY_ROUND, ignore_result=True)
def fixity_round(remaining: int | None = None) -> dict:
    """Beat's hourly share of the periodic fixity check (channels_app.fixity_checks), in slices under a lease."""
    from channels_app.fixity_checks import round_share, round_slice
    from channels_app.slices import run_slice

    def work(should_stop):
        counts, left = round_slice(round_share() if remaining is None else remaining, should_stop)
        return counts, ({"remaining": left} if left else None)

    return run_slice("fixity-round", work, lambda rest: fixity_round.apply_async(kwargs=rest, retry=True))


@shared_task(name=task_names.VERIFY_CHANNEL, ignore_result=True)
def verify_channel(channel_id: str, since: str | None = None) -> dict:
    """``ytarchive verify``: re-hash every archived video of a channel now (throttled like the schedule),
    in slices under a lease; ``since`` (the request's time) says which videos are done."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    from channels_app.fixity_checks import channel_slice
    from channels_app.slices import run_slice

    started = (parse_datetime(since) if since else None) or timezone.now()

    def work(should_stop):
        counts, more = channel_slice(channel_id, started, should_stop)
        return counts, ({"channel_id": channel_id, "since": started.isoformat()} if more else None)

    return run_slice(f"fixity-channel-{channel_id}", work,
                     lambda rest: verify_channel.apply_async(kwargs=rest, retry=True))


@shared_task(name=task_names.RUN_IMPORT, acks_late=True, ignore_result=True)
def run_import(job_id: int) -> dict:
    """``ytarchive import`` on the control side (channels_app.importer), its outcome on the job row, in slices
    under a lease: the job's result so far is its cursor."""
    from channels_app.importer import run_import_slice
    from channels_app.slices import run_slice

    return run_slice(f"import-{job_id}", lambda should_stop: run_import_slice(job_id, should_stop),
                     lambda rest: run_import.apply_async(kwargs=rest, retry=True))


@shared_task(name=task_names.PRUNE_HISTORY, ignore_result=True)
def prune_history() -> int:
    """Beat's daily prune of the metadata history past YTARCHIVE_HISTORY_RETENTION_DAYS."""
    from channels_app.history_prune import prune

    return prune()


@shared_task(name=task_names.REFRESH_PLAYLISTS, acks_late=True, ignore_result=True)
def refresh_playlists(channel_id: str, playlist_ids: list[str] | None = None) -> list[str]:
    """After a sync: the channel's playlists listed, stored and written (channels_app.playlists)."""
    from channels_app.playlists import refresh_channel

    return refresh_channel(channel_id, playlist_ids)


@shared_task(name=task_names.REWRITE_UPLOADS_PLAYLIST, ignore_result=True)
def rewrite_uploads_playlist(channel_id: str) -> None:
    """uploads.json again, once outcomes brought upload dates the listing had not (channels_app.uploads_file)."""
    from channels_app.uploads_file import rewrite_now

    rewrite_now(channel_id)
