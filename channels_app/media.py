"""Archived files over HTTP with Range (206 Partial Content), so seeking a multi-GB video starts at once.

Only the files of the archive contract are served (``video.<ext>``,
``thumbnail.jpg``, ``subtitles/<lang>.vtt``), found through archiver.tree with
every id checked: no request names a path. With
YTARCHIVE_MEDIA_ACCEL_REDIRECT set, the web server in front (nginx) sends the
bytes through ``X-Accel-Redirect`` and does Range itself.
"""
from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from archiver import tree
from archiver.ids import is_safe_id

_NAME = re.compile(r"^(video\.[a-z0-9]{2,5}|thumbnail\.jpg|subtitles/[A-Za-z0-9_-]{1,32}\.vtt)$")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024
TYPES = {".vtt": "text/vtt", ".mkv": "video/x-matroska", ".webm": "video/webm", ".mp4": "video/mp4"}


class Unsatisfiable(ValueError):
    """A Range header that asks for nothing inside the file (416)."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(first, last)`` byte positions of a single ``bytes=`` range, None for the whole file.

    Several ranges, or a header that is not a byte range, are answered with the
    whole file (allowed by RFC 9110); a range that starts past the end is
    ``Unsatisfiable``.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable(header)
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise Unsatisfiable(header)
    return start, end


def archived_file(channel_id: str, video_id: str, name: str) -> Path:
    """The path of one served file; Http404 for any id or name outside the contract."""
    if not (is_safe_id(channel_id) and is_safe_id(video_id) and _NAME.match(name)):
        raise Http404("No such file.")
    path = tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id) / name
    if not path.is_file():
        raise Http404("No such file.")
    return path


def _chunks(path: Path, start: int, length: int):
    with open(path, "rb") as fh:
        fh.seek(start)
        while length > 0:
            data = fh.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


def serve(request, channel_id: str, video_id: str, name: str) -> HttpResponse:
    return serve_path(request, archived_file(channel_id, video_id, name), f"{channel_id}/videos/{video_id}/{name}")


def serve_poster(request, channel_id: str) -> HttpResponse:
    """A channel's poster.jpg (for its podcast feed); Http404 when it has none."""
    if not is_safe_id(channel_id):
        raise Http404("No such file.")
    path = tree.poster_path(settings.ARCHIVE_ROOT, channel_id)
    if not path.is_file():
        raise Http404("No such file.")
    return serve_path(request, path, f"{channel_id}/{tree.POSTER_FILE}")


def serve_path(request, path: Path, relative: str) -> HttpResponse:
    """``path`` (a checked archive file at ``relative`` in the tree) with Range, or through the web server."""
    content_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    accel = settings.YTARCHIVE["MEDIA_ACCEL_REDIRECT"]
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{relative}"
        return response
    size = path.stat().st_size
    try:
        wanted = parse_range(request.headers.get("Range"), size)
    except Unsatisfiable:
        # Nothing but the size: an empty body is no page (RFC 9110 §15.5.17).
        response = HttpResponse(status=416)
        del response["Content-Type"]
        response["Content-Range"] = f"bytes */{size}"
        return response
    if wanted is None:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # Django closes it
    else:
        first, last = wanted
        response = StreamingHttpResponse(_chunks(path, first, last - first + 1), status=206,
                                         content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response
