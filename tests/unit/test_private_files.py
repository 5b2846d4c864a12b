"""Secrets at rest: the SQLite database and its -wal/-shm are 0600 whatever the umask that made them."""
import os
import stat
import subprocess
import sys

from tests.harness import REPO


def test_a_database_made_under_a_wide_umask_is_made_private_on_connect(tmp_path):
    """manage.py migrate under umask 022 (the chart's pods, or by hand): the database and -wal end 0600."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DATA_DIR": str(tmp_path / "d")}
    env.pop("YTARCHIVE_TEST_DATABASE", None)
    subprocess.run(["sh", "-c", f"umask 022 && exec {sys.executable} manage.py migrate --noinput -v 0"],
                   env=env, cwd=REPO, check=True, timeout=300)
    made = [tmp_path / name for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm")
            if (tmp_path / name).exists()]
    assert made and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made), {
        p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in made}
