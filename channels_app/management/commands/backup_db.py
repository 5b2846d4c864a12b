"""``manage.py backup_db``: a consistent online copy of the SQLite database into DATA_DIR/backups/.

Safe while the app runs (SQLite's backup API). Keeps the newest
YTARCHIVE_BACKUP_KEEP copies; beat runs it every YTARCHIVE_BACKUP_HOURS. On
PostgreSQL it says to use pg_dump instead (README, "Deploy with Helm").
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from channels_app.backups import BackupError, backup_sqlite


class Command(BaseCommand):
    help = "Copy the SQLite database consistently into DATA_DIR/backups/, keeping the newest N."

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=None, help="Copies to keep (default YTARCHIVE_BACKUP_KEEP).")

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("backup_db copies SQLite; for PostgreSQL use pg_dump "
                               "(pg_dump -Fc \"$DATABASE_URL\" > ytarchive.dump).")
        keep = settings.YTARCHIVE["BACKUP_KEEP"] if options["keep"] is None else options["keep"]
        if keep < 1:
            raise CommandError("--keep must be 1 or more.")
        try:
            copy = backup_sqlite(Path(db["NAME"]), settings.DATA_DIR / "backups", keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup: {copy} ({copy.stat().st_size} bytes), keeping the newest {keep}")
