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


def test_data_dir_is_made_private_by_any_process_that_loads_the_settings(tmp_path):
    """Not only under make run: a plain manage.py (the chart's pods) narrows a DATA_DIR made 0755 to 0700."""
    wide = tmp_path / "wide"
    wide.mkdir(mode=0o755)
    wide.chmod(0o755)
    env = {**os.environ, "DATA_DIR": str(wide), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("YTARCHIVE_TEST_DATABASE", None)
    subprocess.run([sys.executable, "manage.py", "check", "-v", "0"], env=env, cwd=REPO, check=True, timeout=300)
    assert stat.S_IMODE(wide.stat().st_mode) == 0o700
    fresh = tmp_path / "fresh"
    subprocess.run(["sh", "-c", f"umask 022 && exec {sys.executable} manage.py check -v 0"],
                   env={**env, "DATA_DIR": str(fresh)}, cwd=REPO, check=True, timeout=300)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
    assert stat.S_IMODE((fresh / ".django_secret_key").stat().st_mode) == 0o600
