"""One ``make run`` per DATA_DIR, nothing left behind by the last one, and ports checked before anything starts.

- **The lock**: ``DATA_DIR/run.lock``, held with flock by the launcher and,
  through exec, by supervisord for as long as it runs (supervisord closes it in
  its children). A second ``make run`` finds it taken and refuses with one line
  naming the running one (its pid and web address, written in the file).
- **Leftovers**: every process of a run carries ``YTARCHIVE_RUN_DIR=DATA_DIR`` in
  its environment. A run killed too hard to clean up (SIGKILL of supervisord)
  leaves none running, as each dies with its parent (archiver.parent_death); any
  that still do (an older run, a parent-death signal lost) are found by that
  tag once the lock is ours, and stopped (SIGTERM, then SIGKILL) before we start.
- **Ports**: a PORT or FLOWER_PORT another program holds stops the run at once
  (exit 2), before a password is made or a URL printed.
"""
from __future__ import annotations

import errno
import fcntl
import os
import signal
import socket
import time
from pathlib import Path

RUN_TAG = "YTARCHIVE_RUN_DIR"
LOCK_NAME = "run.lock"


class AlreadyRunning(Exception):
    """Another make run holds this DATA_DIR; the message names it."""


def take_lock(data_dir: Path, about: str) -> int:
    """Hold DATA_DIR/run.lock (the fd survives exec); raise AlreadyRunning naming the holder."""
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        holder = os.pread(fd, 4096, 0).decode(errors="replace").strip() or "pid unknown"
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise AlreadyRunning(f"make run is already running for DATA_DIR={data_dir} ({holder}); "
                                 "stop it first (Ctrl-C in its terminal)") from None
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}, {about}\n".encode(), 0)
    os.set_inheritable(fd, True)  # supervisord (exec'd into this process) keeps holding it
    return fd


def _tagged(pid: int, tag: bytes) -> bool:
    try:
        return tag in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def leftovers(data_dir: Path) -> list[int]:
    """Pids of live processes started by an earlier run on this DATA_DIR (never this process)."""
    tag = f"{RUN_TAG}={data_dir}".encode()
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != me and _tagged(int(entry.name), tag):
            found.append(int(entry.name))
    return sorted(found)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stop_leftovers(data_dir: Path, grace_seconds: float = 30.0) -> list[int]:
    """SIGTERM an earlier run's processes, SIGKILL what is left after the grace; the pids found."""
    pids = leftovers(data_dir)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace_seconds
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not any(_alive(pid) for pid in pids):
            break
    return pids


def port_taken(host: str, port: int) -> bool:
    """True when another program listens on (host, port): binding it as gunicorn would fails."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False
