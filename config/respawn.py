"""Run a command and start it again whenever it dies, until told to stop.

``make run`` wraps every process in this, because honcho stops all processes
as soon as one exits: a control worker that crashes (an out-of-memory kill, a
client-library bug on a Redis restart) must come back alone, as a Kubernetes
pod would, instead of taking the web server down with it. SIGTERM or SIGINT
is passed to the child, and then this exits with the child's code.

    python -m config.respawn -- celery -A config worker -Q control
"""
from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time

log = logging.getLogger("ytarchive.respawn")
MAX_BACKOFF = 30.0
STABLE_AFTER = 60.0  # a run this long resets the backoff


def run(command: list[str]) -> int:
    stop = threading.Event()
    child: list[subprocess.Popen] = []

    def forward(signum, _frame):
        stop.set()
        if child and child[0].poll() is None:
            child[0].send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    backoff = 1.0
    while True:
        started = time.monotonic()
        child[:] = [subprocess.Popen(command)]
        code = child[0].wait()
        if stop.is_set():
            return code
        backoff = 1.0 if time.monotonic() - started > STABLE_AFTER else min(MAX_BACKOFF, backoff * 2)
        log.warning("%s exited with %s; starting it again in %.0f s", command[0], code, backoff)
        if stop.wait(backoff):
            return code


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = sys.argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.exit("usage: python -m config.respawn -- COMMAND [ARGS...]")
    sys.exit(run(args))


if __name__ == "__main__":
    main()
