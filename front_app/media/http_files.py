"""RFC 9110 for one file on disk: validators, conditional requests and byte ranges, as pure functions.

``answer()`` takes the request's method and headers and the file's ``os.stat``
and says what to send: 304 Not Modified, 412 Precondition Failed, 416 Range
Not Satisfiable, 206 Partial Content for one range, or 200 with the whole
file. front_app.media.files turns that into a response; nothing here touches
Django, so every rule is tested on plain values (tests/unit/test_http_files.py).

The rules, in RFC 9110's order (§13.2.2):

- **ETag** is strong, ``"<inode>-<size>-<mtime ns>"`` in hex. Strong is true
  here: an archive file is written under a temporary name and renamed into
  place (archiver.tree), never rewritten in place, so the same three numbers
  always mean the same bytes, and a replaced file changes its inode.
- **Last-Modified** is the mtime in whole seconds (an HTTP-date has no finer
  resolution).
- **If-Match** (strong comparison, ``*`` matches) and, without it,
  **If-Unmodified-Since** fail with 412.
- **If-None-Match** (weak comparison, ``*`` matches) and, without it,
  **If-Modified-Since** (GET and HEAD only) answer 304 with the validators.
- **Range** is read only for GET. ``bytes=first-last``, ``bytes=first-`` and
  the suffix ``bytes=-N`` (the last N bytes) give 206 with
  ``Content-Range: bytes first-last/size``; ``last`` past the end is cut to
  the end. A range starting at or past the end, or ``bytes=-0``, is not
  satisfiable: 416 with ``Content-Range: bytes */size``. A header that is not
  a valid byte range (another unit, ``bytes=50-10``, garbage) is ignored and
  the whole file is sent, as §14.2 lets a server do.
- **Several ranges** (``bytes=0-1,5-6``) are answered with the whole file,
  200 (§14.2: a server MAY ignore Range), unless none of them is satisfiable
  (416): one file is cheaper to send than a multipart/byteranges body, and
  players ask for one range at a time.
- **If-Range** with an ETag (strong comparison; a weak tag never matches) or
  an HTTP-date (it must equal Last-Modified exactly) keeps the range only when
  it matches; a mismatch sends the whole file, 200, so a client resuming a
  changed file gets the new one whole instead of a splice of two.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

_SPEC = re.compile(r"^(\d*)-(\d*)$")


@dataclass(frozen=True)
class Answer:
    """What to send: ``status``, and for 206 the inclusive byte positions ``first``..``last``."""

    status: int
    first: int = 0
    last: int = -1

    @property
    def length(self) -> int:
        return self.last - self.first + 1


def etag(stat: os.stat_result) -> str:
    """The file's strong entity tag (quoted, as sent)."""
    return f'"{stat.st_ino:x}-{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def last_modified(stat: os.stat_result) -> str:
    """The file's Last-Modified value, an IMF-fixdate."""
    return formatdate(int(stat.st_mtime), usegmt=True)


def _http_date(value: str) -> int | None:
    """Seconds since the epoch of an HTTP-date; None when it is not one (then the header is ignored, §13.1.3)."""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return int(parsed.timestamp())


def _tags(header: str) -> list[str]:
    """The entity tags of an If-Match / If-None-Match list, ``*`` kept as is."""
    return [part.strip() for part in header.split(",") if part.strip()]


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def _matches(header: str, current: str, strong: bool) -> bool:
    for tag in _tags(header):
        if tag == "*":
            return True
        if strong and tag.startswith("W/"):
            continue
        if _opaque(tag) == current:
            return True
    return False


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of a single satisfiable byte range; None to send the whole file.

    Raises ``Unsatisfiable`` when the header is a valid byte range set of which
    no range is inside the file (416).
    """
    if not header:
        return None
    unit, _, ranges = header.strip().partition("=")
    if unit.lower() != "bytes" or not ranges or ranges[0].isspace():
        return None  # another unit, or not the grammar (no space around "=", §14.1)
    specs = [part.strip() for part in ranges.split(",")]
    parsed = []
    for spec in specs:
        match = _SPEC.match(spec)
        if not match or not (match.group(1) or match.group(2)):
            return None  # not a byte range: ignored
        first, last = match.group(1), match.group(2)
        if first and last and int(last) < int(first):
            return None  # an invalid range (§14.1.1): ignored
        parsed.append((first, last))
    satisfiable = []
    for first, last in parsed:
        if not first:  # suffix: the last N bytes
            if int(last) > 0 and size > 0:
                satisfiable.append((max(0, size - int(last)), size - 1))
        elif int(first) < size:
            satisfiable.append((int(first), min(int(last), size - 1) if last else size - 1))
    if not satisfiable:
        raise Unsatisfiable(header)
    if len(parsed) > 1:
        return None  # several ranges: the whole file (see the module's docstring)
    return satisfiable[0]


class Unsatisfiable(ValueError):
    """A byte range set with nothing inside the file (416)."""


def _if_range_holds(if_range: str, stat: os.stat_result) -> bool:
    value = if_range.strip()
    if value.startswith('"') or value.startswith("W/"):
        return not value.startswith("W/") and value == etag(stat)
    date = _http_date(value)
    return date is not None and date == int(stat.st_mtime)


def answer(method: str, headers, stat: os.stat_result) -> Answer:
    """The status (and range) to answer ``method`` with ``headers`` (a case-insensitive mapping) for the file."""
    current, modified = etag(stat), int(stat.st_mtime)
    if (if_match := headers.get("If-Match")) is not None:
        if not _matches(if_match, current, strong=True):
            return Answer(412)
    elif (since := headers.get("If-Unmodified-Since")) is not None:
        date = _http_date(since)
        if date is not None and modified > date:
            return Answer(412)
    safe = method in ("GET", "HEAD")
    if (if_none := headers.get("If-None-Match")) is not None:
        if _matches(if_none, current, strong=False):
            return Answer(304) if safe else Answer(412)
    elif safe and (since := headers.get("If-Modified-Since")) is not None:
        date = _http_date(since)
        if date is not None and modified <= date:
            return Answer(304)
    size = stat.st_size
    whole = Answer(200, 0, size - 1)
    if method != "GET" or not headers.get("Range"):
        return whole
    if (if_range := headers.get("If-Range")) is not None and not _if_range_holds(if_range, stat):
        return whole
    try:
        wanted = parse_range(headers.get("Range"), size)
    except Unsatisfiable:
        return Answer(416)
    if wanted is None:
        return whole
    return Answer(206, *wanted)
