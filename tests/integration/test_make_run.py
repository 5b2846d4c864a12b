"""`make run` itself: installs nothing twice, starts every process under supervisord (each line
prefixed by its name), prints a one-time admin password, keeps Redis's AOF under DATA_DIR, restarts
a process that crashes, and stops all of it on SIGTERM to its process group."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from config.lanes import LANES
from tests.env_setup import database_url_for
from tests.harness import REPO, descendants, free_port, wait_for

pytestmark = pytest.mark.integration


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_make_run_starts_everything_and_stops_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_SUPERUSER", "REDIS_URL"))}
    port, flower_port = free_port(), free_port()
    env.update({"DATA_DIR": str(tmp_path / "data"), "ARCHIVE_ROOT": str(tmp_path / "archive"),
                "PORT": str(port), "FLOWER_PORT": str(flower_port), "YTARCHIVE_SCALER": "local",
                "STATIC_ROOT": str(tmp_path / "static")})
    env.pop("DATABASE_URL", None)
    if url := database_url_for("make_run"):  # a database of its own: the first admin is created here
        env["DATABASE_URL"] = url
    log_path = tmp_path / "make-run.log"
    with open(log_path, "wb") as log:
        make = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok, 120, "the web server")
        wait_for(lambda: requests.get(f"http://127.0.0.1:{flower_port}/", timeout=2).status_code < 500, 60,
                 "Flower")
        output = log_path.read_text(errors="replace")
        password = re.search(r"Created admin account 'admin' with password: (\S+)", output).group(1)
        token = requests.post(f"http://127.0.0.1:{port}/api/auth/token/",
                              json={"username": "admin", "password": password}, timeout=10)
        assert token.status_code == 200, token.text
        assert (tmp_path / "data" / "redis" / "appendonlydir").is_dir()
        for name in ("web", *LANES, "beat", "flower", "scaler", "redis"):
            # supervisord's log relay prefixes every line with its process's name
            wait_for(lambda name=name: re.search(rf"^{name}\s*\| ", log_path.read_text(errors="replace"), re.M),
                     60, f"a line from {name}")
        # A process that crashes comes back by itself; the others keep running.
        ctl = [str(REPO / ".venv" / "bin" / "supervisorctl"), "-c", str(tmp_path / "data" / "supervisor" /
                                                                      "supervisord.conf")]
        if not Path(ctl[0]).exists():
            ctl[0] = str(Path(sys.executable).with_name("supervisorctl"))
        # Each control lane is a program of its own in supervisord's group "control" (config.launch).
        status = subprocess.run([*ctl, "status"], capture_output=True, text=True).stdout
        for lane in LANES:
            assert re.search(rf"^control:{lane}\s+RUNNING", status, re.M), status
        first = int(subprocess.run([*ctl, "pid", "control:outcomes"], capture_output=True, text=True).stdout)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: (pid := subprocess.run([*ctl, "pid", "control:outcomes"], capture_output=True, text=True)
                          .stdout.strip()).isdigit() and int(pid) not in (0, first), 60, "outcomes to come back")
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).ok
        tree = descendants(make.pid)
        assert len(tree) >= 6
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=60)
    wait_for(lambda: not any(alive(pid) for pid in tree), 45, "every process of make run to exit")
    assert not any(alive(pid) for pid in descendants(make.pid))
    second = subprocess.run(["make", "--no-print-directory", "-n", "run"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60)
    assert "pip install" not in second.stdout  # the virtualenv is up to date: nothing to reinstall
