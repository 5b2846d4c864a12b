"""``manage.py restore_backup FILE [--force]``: a ``backup_db`` copy put back as the SQLite database.

Onto an empty DATA_DIR (a new machine, a fresh volume); ``--force`` replaces the database of a used one
(stop the app first: the old database is set aside, not deleted). The file is checked before anything
existing is touched (channels_app.restore). On PostgreSQL it says to use pg_restore.
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from channels_app.restore import RestoreError, restore_sqlite


class Command(BaseCommand):
    help = "Restore a backup_db copy as the SQLite database, onto an empty DATA_DIR (--force: onto a used one)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a copy made by backup_db (DATA_DIR/backups/ytarchive-….sqlite3)")
        parser.add_argument("--force", action="store_true",
                            help="replace the database of a DATA_DIR that is not empty (the old one is set aside)")

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("restore_backup restores SQLite; for PostgreSQL use pg_restore "
                               "(pg_restore --clean -d \"$DATABASE_URL\" ytarchive.dump).")
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        connections.close_all()
        try:
            aside = restore_sqlite(Path(options["file"]), Path(db["NAME"]), Path(settings.DATA_DIR), known,
                                   force=options["force"])
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored: {options['file']} -> {db['NAME']}"
                          + (f" (the database there was set aside as {aside})" if aside else ""))
        self.stdout.write("next: start the app (make run, or the chart); it migrates the database if it is older")
