"""Issue 22: a backup taken while a sync's downloads are in flight, restored with ``manage.py restore_backup``
onto a fresh DATA_DIR, runs: a second stack started on it finds every channel, video, history row, tally
and schedule the backup held, and its next sync downloads nothing again (the files are in the archive)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ADMIN
from tests.env_setup import RUN_DIR
from tests.harness import REPO, Api, AppStack, add_fresh, free_port, wait_for

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="backup_db copies SQLite")]

TABLES = {  # what a restore must bring back, each row as it was
    "channels": "SELECT * FROM channels_app_channel ORDER BY id",
    "videos": "SELECT * FROM channels_app_video ORDER BY id",
    "history": "SELECT * FROM channels_app_videochange ORDER BY id",
    "tallies": "SELECT * FROM channels_app_tally ORDER BY name",
    "syncs": "SELECT * FROM channels_app_syncjob ORDER BY id",
    "schedules": "SELECT name, task, args, enabled, interval_id, crontab_id FROM django_celery_beat_periodictask "
                 "ORDER BY name",
}


def rows(database: Path) -> dict[str, list]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return {what: db.execute(sql).fetchall() for what, sql in TABLES.items()}


def manage(env: dict, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == expect, done.stdout + done.stderr
    return done


def test_a_backup_taken_mid_run_restores_onto_a_fresh_data_dir(api, stack, stack_env, fixture_site, archive_root):
    cid = add_fresh(api, f"{fixture_site.base_url}/channel/chan-bench-6")["id"]
    fixture_site.media_rate = 512 * 1024  # each download takes seconds: the backup catches them in flight
    try:
        api.post(f"/api/channels/{cid}/sync/", expect=202)
        wait_for(lambda: api.get(f"/api/channels/{cid}/progress/")["downloading"] > 0, 120, "a download in flight")
        out = stack.manage("backup_db")
        copy = Path(out.split("backup: ", 1)[1].split(" ", 1)[0])
    finally:
        fixture_site.media_rate = 0
    held = rows(copy)
    mine = [v for v in held["videos"] if cid in v]
    assert held["channels"] and held["schedules"] and held["tallies"] and len(mine) == 6
    api.wait_settled(cid)  # the first stack finishes the run; the archive now holds every video

    env = {**stack_env, "PORT": str(free_port()), "FLOWER_PORT": str(free_port()),
           "DATA_DIR": str(RUN_DIR / "restored-data"), "ARCHIVE_ROOT": str(RUN_DIR / "restored-archive"),
           "REDIS_URL": stack_env["REDIS_URL"].rsplit("/", 1)[0] + "/3"}
    shutil.copytree(archive_root, env["ARCHIVE_ROOT"], copy_function=os.link)  # the same files, a second tree
    used = manage(env, "restore_backup", str(RUN_DIR / "no-such-backup"), expect=1)
    assert "no-such-backup is refused: does not exist" in used.stderr and "Traceback" not in used.stderr
    manage(env, "restore_backup", str(copy))
    database = Path(env["DATA_DIR"]) / "ytarchive.sqlite3"
    assert (database.stat().st_mode & 0o777) == 0o600 and rows(database) == held
    again = manage(env, "restore_backup", str(copy), expect=1)  # now it is not empty
    assert "is not empty" in again.stderr and "--force" in again.stderr

    fixture_site.reset()
    restored = AppStack(env, RUN_DIR / "restored-stack.log").start()
    try:
        client = Api(restored.base_url, Api(restored.base_url).post("/api/auth/token/", json=ADMIN)["token"])
        now = rows(database)
        assert {c[0] for c in held["channels"]} <= {c["id"] for c in client.get("/api/channels/?page_size=500")
                                                     ["results"]}
        # A channel's own row moves on as soon as the restored stack resumes the sync the backup caught in
        # flight (its last sync, its counts): the restore itself brought it back as it was (above).
        assert {c[:3] for c in held["channels"]} <= {c[:3] for c in now["channels"]}
        for what in ("history", "schedules"):
            assert set(held[what]) <= set(now[what]), what
        assert {v[0] for v in held["videos"]} <= {v[0] for v in now["videos"]}
        assert {t[1] for t in held["tallies"]} <= {t[1] for t in now["tallies"]}
        client.post(f"/api/channels/{cid}/sync/", expect=202)
        client.wait_settled(cid)
        videos = client.videos(cid)
        assert len(videos) == 6 and all(v["status"] == "archived" and v["video_file"] and v["size_bytes"]
                                        for v in videos), [(v["video_id"], v["status"], v["video_file"],
                                                            v["size_bytes"], v["last_error"]) for v in videos]
        assert not [p for p in fixture_site.request_counts() if p.startswith("/media/")]  # nothing downloaded again
    finally:
        restored.stop()
