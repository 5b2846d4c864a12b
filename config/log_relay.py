"""A supervisord event listener that prints every process's output on the terminal, prefixed by its name.

supervisord sends each line a program writes as a PROCESS_LOG event (the
programs have ``stdout_events_enabled``); this listener writes it to its own
stderr, which supervisord passes to the terminal, as ``web     | line``. It is
the supervisor-native way to interleave logs the way honcho used to.

With LOG_FORMAT=json every line comes out as one JSON object instead: our
processes already write JSON (a ``process`` key is added when missing), and
a line that is not JSON (redis-server, supervisord, a banner) is wrapped as
``{"timestamp", "level", "process", "message"}``.
"""
from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime

from supervisor import childutils

WIDTH = 8


def as_json(name: str, line: str) -> str:
    """One line of program ``name`` as a JSON object naming it."""
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        record = {"timestamp": datetime.now(UTC).isoformat(), "level": "INFO", "message": line.rstrip("\r")}
    record.setdefault("process", name)
    return json.dumps(record, ensure_ascii=False)


def prefix(name: str, data: str, pending: dict[str, str], json_lines: bool = False) -> str:
    """Whole lines of ``data`` prefixed with ``name | ``; a partial last line waits in ``pending``.

    supervisord cuts output into events wherever its read ended, so a long line
    can arrive in two events: it is printed once, whole.
    """
    text = pending.pop(name, "") + data
    lines = text.split("\n")
    if lines[-1]:
        pending[name] = lines[-1][-65536:]
    if json_lines:
        return "".join(as_json(name, line) + "\n" for line in lines[:-1] if line.strip())
    return "".join(f"{name:<{WIDTH}}| {line}\n" for line in lines[:-1])


def main() -> None:
    pending: dict[str, str] = {}
    json_lines = os.environ.get("LOG_FORMAT") == "json"
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        if headers["eventname"].startswith("PROCESS_LOG"):
            event, data = childutils.eventdata(payload)
            sys.stderr.write(prefix(event["processname"], data, pending, json_lines))
            sys.stderr.flush()
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    main()
