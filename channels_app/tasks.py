"""Control-queue tasks for the catalog: thin wrappers around channels_app services."""
from celery import shared_task

from archiver.errors import ConflictError


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
