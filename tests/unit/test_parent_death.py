"""archiver.parent_death: a program started through it stops when the process that started it is SIGKILLed
(how the scaler starts download workers and supervisord every program), and --umask makes its files private."""
import os
import signal
import stat
import subprocess
import sys

from archiver.scaling import worker_command
from tests.harness import wait_for

PARENT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-m", "archiver.parent_death", "sleep", "300"])
print(child.pid, flush=True)
child.wait()
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_child_stops_when_its_parent_is_killed_hard():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    wait_for(lambda: open(f"/proc/{child}/cmdline", "rb").read().startswith(b"sleep"), 30, "the child to exec")
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    wait_for(lambda: not _alive(child), 30, "the child to die with its parent")


def test_umask_makes_the_programs_files_private(tmp_path):
    target = tmp_path / "made.txt"
    subprocess.run([sys.executable, "-m", "archiver.parent_death", "--umask", "077", "touch", str(target)],
                   check=True, timeout=30)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_download_workers_are_started_through_it():
    assert worker_command("download-1")[:3] == [sys.executable, "-m", "archiver.parent_death"]


