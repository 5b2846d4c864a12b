"""Run a command that dies with its parent: ``python -m archiver.parent_death [--umask 077] PROGRAM [ARGS...]``.

supervisord puts every program in a process group of its own, so a hard kill
of ``make run`` (SIGKILL, which supervisord cannot catch) would leave web,
control, beat, Flower, Redis and the download workers running, holding the
ports and the schedules. Linux's parent-death signal (prctl PR_SET_PDEATHSIG,
kept across exec) sends SIGTERM to the program the moment the process that
started it dies, so each stops as it would under ``supervisorctl stop``
(Redis saves its AOF, a download worker hands its work back). The wrapper
sets it, checks the parent did not die in between, and execs the program.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> bool:
    """Ask Linux for ``sig`` when our parent dies; False where prctl is not available (not Linux)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return False
    return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0


def main(argv: list[str]) -> None:
    if argv[:1] == ["--umask"] and len(argv) > 1:
        os.umask(int(argv[1], 8))  # files the program creates are private from the first byte (Redis's AOF)
        argv = argv[2:]
    if not argv:
        sys.exit("usage: python -m archiver.parent_death [--umask OCTAL] PROGRAM [ARGS...]")
    parent = os.getppid()
    if die_with_parent() and (os.getppid() != parent or parent == 1):
        sys.exit(0)  # the parent died before the signal was armed (we were handed to init): nobody supervises us
    os.execvp(argv[0], argv)  # noqa: S606 (the caller's own command line)


if __name__ == "__main__":
    main(sys.argv[1:])
