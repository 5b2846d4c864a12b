"""Control-queue tasks for the catalog: thin wrappers around channels_app services."""
import logging

from celery import shared_task

from archiver.errors import ConflictError, UserError


@shared_task(acks_late=True, ignore_result=True)
def sync_channel(job_id: int) -> None:
    from channels_app.sync import run_sync

    run_sync(job_id)


@shared_task(ignore_result=True)
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


@shared_task(ignore_result=True)
def reconcile_syncs() -> dict:
    from channels_app.sync_leases import reconcile_syncs as run

    return run()


@shared_task(ignore_result=True)
def backup_database() -> str:
    """Beat's daily copy of the SQLite database (channels_app.backups); PostgreSQL is left to pg_dump."""
    from pathlib import Path

    from django.conf import settings

    from channels_app.backups import backup_sqlite

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return "not sqlite: use pg_dump"
    return str(backup_sqlite(Path(db["NAME"]), settings.DATA_DIR / "backups", settings.YTARCHIVE["BACKUP_KEEP"]))


@shared_task(ignore_result=True)
def write_nfo_files(channel_id: str, overwrite: bool = False) -> dict:
    """``ytarchive nfo``: the media-server files of videos archived before (channels_app.media_server)."""
    from channels_app.media_server import write_nfo_files as run
    from channels_app.models import Channel

    channel = Channel.objects.filter(pk=channel_id).first()
    return run(channel, overwrite) if channel else {"written": 0, "skipped": 0}


@shared_task(ignore_result=True)
def notify_round() -> int:
    """Beat's round of notifications (channels_app.notify): new videos, failures, site pauses."""
    from channels_app.notify import notify_round as run

    return run()


@shared_task(bind=True, ignore_result=True, max_retries=4)
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


@shared_task(ignore_result=True)
def fixity_round() -> dict:
    """Beat's hourly share of the periodic fixity check (channels_app.fixity_checks)."""
    from channels_app.fixity_checks import scheduled_round

    return scheduled_round()


@shared_task(ignore_result=True)
def verify_channel(channel_id: str) -> dict:
    """``ytarchive verify``: re-hash every archived video of a channel now (throttled like the schedule)."""
    from channels_app.fixity_checks import check_channel

    return check_channel(channel_id)


@shared_task(acks_late=True, ignore_result=True)
def run_import(job_id: int) -> None:
    """``ytarchive import`` on the control side (channels_app.importer), its outcome on the job row."""
    from django.utils import timezone

    from channels_app.importer import check_path, import_folder
    from channels_app.models import ImportJob

    job = ImportJob.objects.select_related("channel").filter(pk=job_id, status="queued").first()
    if job is None:
        return
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    try:
        archive = check_path(job.download_archive) if job.download_archive else None
        result = import_folder(job.channel, check_path(job.path), job.mode, job.dry_run, archive)
    except Exception as exc:  # the job says what happened, whatever it was
        if not isinstance(exc, UserError):
            logging.getLogger(__name__).warning("import %s failed", job.pk, exc_info=True)
        ImportJob.objects.filter(pk=job.pk).update(status="failed", error=str(exc)[:5000],
                                                   finished_at=timezone.now())
        return
    ImportJob.objects.filter(pk=job.pk).update(status="succeeded", result=result, finished_at=timezone.now())


@shared_task(ignore_result=True)
def prune_history() -> int:
    """Beat's daily prune of the metadata history past YTARCHIVE_HISTORY_RETENTION_DAYS."""
    from channels_app.history_prune import prune

    return prune()
