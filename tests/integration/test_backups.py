"""``backup_db`` while the app records downloads: every copy opens, is sound, and has the data.

The session stack archives a 150-video channel (outcomes arriving all the
while) and ``manage.py backup_db`` runs against its live SQLite database,
as beat does daily. Only the newest N copies stay.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from channels_app.backups import copies
from tests.harness import add_fresh, wait_for

pytestmark = pytest.mark.integration


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="backup_db copies SQLite; PostgreSQL has pg_dump")
def test_backups_while_outcomes_are_recorded_are_sound(api, stack, stack_env, fixture_site):
    channel = add_fresh(api, f"{fixture_site.base_url}/channel/chan-big-150")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    recorded = lambda: sum(v["attempts"] > 0 for v in api.videos(channel["id"]))  # noqa: E731
    wait_for(lambda: recorded() >= 10, 120, "outcomes to start arriving")
    backups = Path(stack_env["DATA_DIR"]) / "backups"
    made = []
    while len(made) < 4:
        out = stack.manage("backup_db", "--keep", "3")
        made.append(Path(out.split("backup: ", 1)[1].split(" ", 1)[0]))
    kept = copies(backups)
    assert kept == made[-3:] and not made[0].exists()
    assert not list(backups.glob(".*.tmp"))
    for copy in kept:
        assert copy.stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert db.execute("SELECT count(*) FROM channels_app_channel WHERE id = ?",
                              (channel["id"],)).fetchone()[0] == 1
            assert db.execute("SELECT count(*) FROM channels_app_video WHERE channel_id = ?",
                              (channel["id"],)).fetchone()[0] == 150
    api.wait_settled(channel["id"])
