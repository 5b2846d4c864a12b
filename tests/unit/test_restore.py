"""``restore_backup``'s checks (issue 22): a file that is not a ytarchive backup, a link, a pipe, a backup
from a newer version and a used DATA_DIR are refused before anything is touched; a restore is 0600, and
``force`` sets the old database aside instead of deleting it."""
from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from channels_app.restore import RestoreError, restore_sqlite

KNOWN = {("channels_app", "0001_initial")}


def backup(path: Path, migrations=(("channels_app", "0001_initial"),)) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        for table in ("channels_app_channel", "downloads_app_video"):
            db.execute(f"CREATE TABLE {table} (id TEXT)")
        db.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
        db.executemany("INSERT INTO django_migrations VALUES (?, ?)", migrations)
        db.execute("INSERT INTO channels_app_channel VALUES ('chan-1')")
    db.close()
    return path


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / ".django_secret_key").write_text("generated at start")  # what settings make: still "empty"
    return folder


def test_a_backup_is_restored_onto_an_empty_data_dir_private(tmp_path, data_dir):
    target = data_dir / "ytarchive.sqlite3"
    assert restore_sqlite(backup(tmp_path / "b.sqlite3"), target, data_dir, KNOWN) is None
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT id FROM channels_app_channel").fetchall() == [("chan-1",)]
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"not a database at all" * 100), "not a SQLite database"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.commit(), "not ytarchive's"),
    (lambda p: backup(p, [("channels_app", "0001_initial"), ("channels_app", "9999_future")]),
     "newer ytarchive"),
    (lambda p: p.symlink_to(backup(p.with_name("real.sqlite3"))), "symbolic link"),
    (lambda p: os.mkfifo(p), "named pipe"),
    (lambda p: os.link(backup(p.with_name("real.sqlite3")), p), "hard link"),
])
def test_what_is_not_a_readable_backup_is_refused_before_anything_is_touched(tmp_path, data_dir, make, message):
    source = tmp_path / "given.sqlite3"
    make(source)
    target = data_dir / "ytarchive.sqlite3"
    with pytest.raises(RestoreError, match=message):
        restore_sqlite(source, target, data_dir, KNOWN)
    assert sorted(p.name for p in data_dir.iterdir()) == [".django_secret_key"]


def test_a_used_data_dir_is_refused_unless_forced_and_then_set_aside(tmp_path, data_dir):
    target = data_dir / "ytarchive.sqlite3"
    target.write_bytes(b"the old database")
    (data_dir / "ytarchive.sqlite3-wal").write_bytes(b"its wal")
    with pytest.raises(RestoreError, match=r"is not empty .*ytarchive\.sqlite3.*--force"):
        restore_sqlite(backup(tmp_path / "b.sqlite3"), target, data_dir, KNOWN)
    assert target.read_bytes() == b"the old database"
    aside = restore_sqlite(tmp_path / "b.sqlite3", target, data_dir, KNOWN, force=True)
    assert aside.read_bytes() == b"the old database"
    assert aside.with_name(aside.name + "-wal").read_bytes() == b"its wal"
    assert not (data_dir / "ytarchive.sqlite3-wal").exists()  # never applied to the restored database
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*) FROM channels_app_channel").fetchone()[0] == 1
