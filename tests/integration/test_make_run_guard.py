"""`make run` one at a time and nothing left behind: a busy PORT/FLOWER_PORT stops it at once (exit 2, no
URL, no password); processes an earlier run left are stopped first; a second run on the same DATA_DIR
refuses naming the first; SIGKILL of make run's process group leaves no process of that DATA_DIR."""
from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
from pathlib import Path

import pytest
import requests

from config.lanes import LANES
from tests.env_setup import database_url_for
from tests.harness import REPO, free_port, wait_for

pytestmark = pytest.mark.integration
TAG = "YTARCHIVE_RUN_DIR"


def tagged(data_dir: Path) -> list[int]:
    """Live processes carrying this DATA_DIR's run tag (what make run's processes have in their environment)."""
    mark = f"{TAG}={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark in (entry / "environ").read_bytes().split(b"\0") \
                    and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def run_env(tmp_path: Path, name: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_SUPERUSER", "REDIS_URL"))}
    env.update({"DATA_DIR": str(tmp_path / "data"), "ARCHIVE_ROOT": str(tmp_path / "archive"),
                "PORT": str(free_port()), "FLOWER_PORT": str(free_port()), "YTARCHIVE_SCALER": "local",
                "STATIC_ROOT": str(tmp_path / "static")})
    env.pop("DATABASE_URL", None)
    if url := database_url_for(name):
        env["DATABASE_URL"] = url
    return env


def make_run(env: dict, log_path: Path) -> subprocess.Popen:
    with open(log_path, "wb") as log:
        return subprocess.Popen(["make", "--no-print-directory", "run"], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


def ours(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("ytarchive:")]


@pytest.mark.parametrize("busy", ["PORT", "FLOWER_PORT"])
def test_a_busy_port_stops_make_run_at_once(tmp_path, busy):
    env = run_env(tmp_path, f"guard_{busy.lower()}")
    with socket.socket() as other:  # another program's server on that port
        other.bind(("127.0.0.1", int(env[busy])))
        other.listen()
        result = subprocess.run(["make", "--no-print-directory", "run"], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert ours(output) == [f"ytarchive: port {env[busy]} ({busy}) on 127.0.0.1 is already in use by another "
                            f"program; stop it or choose another {busy}"], output
    assert "http://" not in output and "password" not in output.lower()
    assert not (tmp_path / "data" / ".admin_password").exists()
    assert not tagged(tmp_path / "data")


def test_one_run_per_data_dir_and_nothing_survives_a_hard_kill(tmp_path):
    env = run_env(tmp_path, "guard_run")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # What a run from before parent-death signals left behind: a process of this DATA_DIR, orphaned.
    leftover = subprocess.Popen(["sleep", "600"], env={**env, TAG: str(data_dir)}, start_new_session=True)
    make = make_run(env, tmp_path / "first.log")
    try:
        wait_for(lambda: requests.get(f"http://127.0.0.1:{env['PORT']}/health", timeout=2).ok, 180, "the web server")
        wait_for(lambda: requests.get(f"http://127.0.0.1:{env['FLOWER_PORT']}/", timeout=2).status_code < 500, 90,
                 "Flower")
        output = (tmp_path / "first.log").read_text(errors="replace")
        assert leftover.wait(timeout=5) is not None  # stopped before the run started
        assert f"stopped 1 process(es) an earlier make run of {data_dir} left running (pids {leftover.pid})" \
            in output
        # The admin password printed once is also kept, private, under DATA_DIR.
        password = re.search(r"Created admin account 'admin' with password: (\S+)", output).group(1)
        kept = data_dir / ".admin_password"
        assert kept.read_text().strip() == password and stat.S_IMODE(kept.stat().st_mode) == 0o600
        assert f"(kept in {kept})" in output
        _secrets_are_private(data_dir, output)
        # A second make run on the same DATA_DIR refuses in one line naming the first, and starts nothing.
        other_port = free_port()
        second = subprocess.run(["make", "--no-print-directory", "run"], cwd=REPO,
                                env={**env, "PORT": str(other_port), "FLOWER_PORT": str(free_port())},
                                capture_output=True, text=True, timeout=300)
        lines = ours(second.stdout + second.stderr)
        assert second.returncode != 0 and len(lines) == 1, second.stdout + second.stderr
        assert lines[0].startswith(f"ytarchive: make run is already running for DATA_DIR={data_dir} (pid ")
        assert f"web on http://127.0.0.1:{env['PORT']}/" in lines[0]
        with pytest.raises(requests.ConnectionError):  # it started no web server of its own
            requests.get(f"http://127.0.0.1:{other_port}/health", timeout=5)
        assert requests.get(f"http://127.0.0.1:{env['PORT']}/health", timeout=10).ok  # the first one runs on
        programs = {"web", *LANES, "beat", "flower", "scaler", "redis"}
        running = lambda: {name for pid in tagged(data_dir) for name in _cmdline(pid).split()}  # noqa: E731
        wait_for(lambda: programs <= running(), 60, f"every program (running: {running()})")
    finally:
        os.killpg(make.pid, signal.SIGKILL)  # make and supervisord die at once: nothing can clean up
        make.wait(timeout=30)
        leftover.kill()
        leftover.wait()
    wait_for(lambda: not tagged(data_dir), 90, "every process of the killed run to exit")
    # The lock went with supervisord: the next run may start.
    from config.run_guard import take_lock

    os.close(take_lock(data_dir, "test"))


def _cmdline(pid: int) -> str:
    try:
        text = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
    marks = {"gunicorn": "web", " beat ": "beat", " flower ": "flower", "run_scaler": "scaler",
             "redis-server": "redis", **{f" -n {lane}@": lane for lane in LANES}}
    return " ".join(name for needle, name in marks.items() if needle in text)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _secrets_are_private(data_dir: Path, output: str) -> None:
    """DATA_DIR 0700 and every file of it 0600 (database, -wal/-shm, Redis's AOF, supervisord's files), under
    the default umask 022; make run's Redis refuses a client without the generated password."""
    import redis

    assert _mode(data_dir) == 0o700 and _mode(data_dir / "redis") == 0o700
    password = (data_dir / ".redis_password").read_text().strip()
    assert password and password not in output  # the launcher's line names Redis without it
    port = int(re.search(r"Redis at redis://:\*\*\*@127\.0\.0\.1:(\d+)/0", output).group(1))
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=port).ping()
    assert redis.Redis(port=port, password=password).ping()
    wait_for(lambda: any((data_dir / "redis" / "appendonlydir").glob("*.aof")), 30, "the AOF")
    files = [p for p in data_dir.rglob("*") if p.is_file() and not p.is_symlink()]
    names = {p.name for p in files}
    assert {"ytarchive.sqlite3", "ytarchive.sqlite3-wal", "supervisord.conf", "supervisord.log", "redis.conf",
            ".redis_password", ".admin_password", ".flower_password", "run.lock"} <= names, names
    assert any(p.suffix == ".aof" for p in files)
    wide = {str(p.relative_to(data_dir)): oct(_mode(p)) for p in files if _mode(p) & 0o077}
    assert not wide, wide
