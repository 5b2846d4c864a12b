"""Putting a ``backup_db`` copy back as the database, onto an empty DATA_DIR (README, "Backups and restore").

The file is someone's: it is opened through no link (archiver.confined: a
symlink, a pipe, a device or a file with a second name is refused), copied
from that descriptor to a private temporary file (0600) beside the database,
and checked there before anything that exists is touched: SQLite's
``integrity_check``, ytarchive's own tables, and no migration this code does
not know (a backup from a newer version). Only then is it renamed into place
in one step. A DATA_DIR that already holds anything but the secrets the app
generates on its first start is refused unless ``force``; then the database it
held is set aside (``NAME.before-restore-TIME``, with its -wal and -shm), never
deleted.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from archiver import confined

# The video table had its first app's name until migration channels_app 0018: a backup of then has it so.
REQUIRED_TABLES = ("django_migrations", "channels_app_channel", ("channels_app_video", "downloads_app_video"))
_SIDE = ("-wal", "-shm", "-journal")


class RestoreError(Exception):
    """The backup cannot be restored as asked; nothing existing was changed."""


def leftovers(data_dir: Path, database: Path) -> list[str]:
    """What makes ``data_dir`` not empty: anything but dot-files (the generated secrets) and lost+found."""
    if not data_dir.is_dir():
        return []
    found = [p.name for p in data_dir.iterdir()
             if not (p.name.startswith(".") and p.is_file() and not p.is_symlink()) and p.name != "lost+found"]
    found += [p.name for p in [database, *(database.with_name(database.name + s) for s in _SIDE)]
              if os.path.lexists(p) and p.parent != data_dir]
    return sorted(found)


def restore_sqlite(source: Path, database: Path, data_dir: Path, known_migrations: set[tuple[str, str]],
                   force: bool = False) -> Path | None:
    """Restore ``source`` as ``database``; the path the old database was set aside to (None if there was none)."""
    busy = leftovers(data_dir, database)
    if busy and not force:
        raise RestoreError(f"{data_dir} is not empty (it holds {', '.join(busy[:8])}"
                           f"{' …' if len(busy) > 8 else ''}): restore onto an empty DATA_DIR, or give --force "
                           "to set the database there aside and replace it (stop the app first).")
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(dir=database.parent, prefix=f".{database.name}.restore-", suffix=".tmp")  # 0600
    temp = Path(temp)
    try:
        with os.fdopen(fd, "wb") as out:
            _copy_from(source, out)
            out.flush()
            os.fsync(out.fileno())
        _check(temp, source, known_migrations)
        os.chmod(temp, 0o600)
        aside = _set_aside(database)
        os.replace(temp, database)
    finally:
        temp.unlink(missing_ok=True)
    dir_fd = os.open(database.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return aside


def _copy_from(source: Path, out) -> None:
    path = Path(os.path.abspath(source))
    try:
        fd, _st = confined.open_checked(path, path.parent.resolve())
    except confined.Refused as exc:
        raise RestoreError(f"{source} is refused: {exc.reason}.") from exc
    except OSError as exc:
        raise RestoreError(f"{source} cannot be read: {exc.strerror}.") from exc
    with os.fdopen(fd, "rb") as src:
        while chunk := src.read(1024 * 1024):
            out.write(chunk)


def _check(copy: Path, source: Path, known_migrations: set[tuple[str, str]]) -> None:
    """That the copy is a sound ytarchive database this code can run; RestoreError saying why not."""
    try:
        with sqlite3.connect(f"file:{copy}?mode=ro&immutable=1", uri=True) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t if isinstance(t, str) else t[0] for t in REQUIRED_TABLES
                       if not tables.intersection([t] if isinstance(t, str) else t)]
            applied = set(db.execute("SELECT app, name FROM django_migrations")) if not missing else set()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"{source} is not a SQLite database ytarchive can read ({exc}).") from exc
    if verdict != "ok":
        raise RestoreError(f"{source} fails SQLite's integrity check: {verdict}")
    if missing:
        raise RestoreError(f"{source} is a SQLite database but not ytarchive's (no {', '.join(missing)}).")
    newer = sorted(f"{app}.{name}" for app, name in applied - known_migrations)
    if newer:
        raise RestoreError(f"{source} was made by a newer ytarchive (migrations {', '.join(newer[:5])} are "
                           "unknown here): restore it with that version.")


def _set_aside(database: Path) -> Path | None:
    if not database.exists():
        for side in _SIDE:  # a stale -wal beside no database would be applied to the restored one
            database.with_name(database.name + side).unlink(missing_ok=True)
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = database.with_name(f"{database.name}.before-restore-{stamp}")
    for side in ("", *_SIDE):
        old = database.with_name(database.name + side)
        if old.exists():
            os.replace(old, aside.with_name(aside.name + side))
    return aside
