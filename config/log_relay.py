"""A supervisord event listener that prints every process's output on the terminal, prefixed by its name.

supervisord sends each line a program writes as a PROCESS_LOG event (the
programs have ``stdout_events_enabled``); this listener writes it to its own
stderr, which supervisord passes to the terminal, as ``web     | line``. It is
the supervisor-native way to interleave logs the way honcho used to.
"""
from __future__ import annotations

import sys

from supervisor import childutils

WIDTH = 8


def prefix(name: str, data: str, pending: dict[str, str]) -> str:
    """Whole lines of ``data`` prefixed with ``name | ``; a partial last line waits in ``pending``.

    supervisord cuts output into events wherever its read ended, so a long line
    can arrive in two events: it is printed once, whole.
    """
    text = pending.pop(name, "") + data
    lines = text.split("\n")
    if lines[-1]:
        pending[name] = lines[-1][-65536:]
    return "".join(f"{name:<{WIDTH}}| {line}\n" for line in lines[:-1])


def main() -> None:
    pending: dict[str, str] = {}
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        if headers["eventname"].startswith("PROCESS_LOG"):
            event, data = childutils.eventdata(payload)
            sys.stderr.write(prefix(event["processname"], data, pending))
            sys.stderr.flush()
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    main()
