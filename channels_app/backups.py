"""Online copies of the SQLite database, safe while the app writes to it.

SQLite's backup API copies a consistent snapshot page by page while other
connections keep writing (WAL mode), unlike copying the file. Each copy is
written under a temporary name, checked with ``PRAGMA integrity_check`` and
renamed into place, so ``DATA_DIR/backups/`` only ever holds whole, sound
copies; the oldest beyond the last N are removed. PostgreSQL has pg_dump.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "ytarchive-"
SUFFIX = ".sqlite3"


class BackupError(Exception):
    """A copy could not be made, or was not sound: nothing was put under a final name."""


def backup_sqlite(source: Path, dest_dir: Path, keep: int, now: datetime | None = None) -> Path:
    """Copy ``source`` into ``dest_dir`` consistently; keep the newest ``keep`` copies. Returns the new copy."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    dest_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = dest_dir / f"{PREFIX}{stamp}{SUFFIX}"
    temp = dest_dir / f".{final.name}.{os.getpid()}.tmp"
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as src, \
                sqlite3.connect(temp) as dst:
            src.backup(dst, pages=1024)
            verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy of {source} failed its integrity check: {verdict}")
        os.chmod(temp, 0o600)
        os.replace(temp, final)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {source}: {exc}") from exc
    finally:
        temp.unlink(missing_ok=True)
    for old in copies(dest_dir)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
        log.info("backup removed (keeping %s): %s", keep, old.name)
    return final


def copies(dest_dir: Path) -> list[Path]:
    """The finished copies, oldest first."""
    return sorted(p for p in dest_dir.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())
