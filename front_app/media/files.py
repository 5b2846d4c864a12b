"""Archived files over HTTP with Range (206 Partial Content), so seeking a multi-GB video starts at once.

Validators, conditional requests and ranges follow RFC 9110 (front_app.media.http_files
decides; this module sends). Only the files of the archive contract are served (``video.<ext>``,
``thumbnail.jpg``, ``subtitles/<lang>.vtt``), found through archiver.tree with
every id checked: no request names a path. With
YTARCHIVE_MEDIA_ACCEL_REDIRECT set, the web server in front (nginx) sends the
bytes through ``X-Accel-Redirect`` and does Range and validators itself (the
chart's nginx sidecar), so no Python thread is held by a reader at all.

Under ``make run`` a reader holds one gunicorn thread for its transfer
(config.gunicorn_conf: gthread workers, no per-request timeout); the thread
gives its database connection back before the first byte, so slow readers
never hold connections either.
"""
from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from archiver import tree
from archiver.ids import is_safe_id
from front_app.media import http_files, stream_slots

_NAME = re.compile(r"^(video\.[a-z0-9]{2,5}|thumbnail\.jpg|subtitles/[A-Za-z0-9_-]{1,32}(\.auto)?\.vtt)$")
CHUNK = 256 * 1024
TYPES = {".vtt": "text/vtt", ".mkv": "video/x-matroska", ".webm": "video/webm", ".mp4": "video/mp4"}


def archived_file(channel_id: str, video_id: str, name: str) -> Path:
    """The path of one served file; Http404 for any id or name outside the contract."""
    if not (is_safe_id(channel_id) and is_safe_id(video_id) and _NAME.match(name)):
        raise Http404("No such file.")
    path = tree.folder_file(tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id), name)
    if not path.is_file():
        raise Http404("No such file.")
    return path


def serve(request, channel_id: str, video_id: str, name: str) -> HttpResponse:
    return serve_path(request, archived_file(channel_id, video_id, name), f"{channel_id}/videos/{video_id}/{name}")


def serve_poster(request, channel_id: str) -> HttpResponse:
    """A channel's poster.jpg (for its podcast feed); Http404 when it has none."""
    return _serve_channel_image(request, channel_id, tree.poster_path, tree.POSTER_FILE)


def serve_banner(request, channel_id: str) -> HttpResponse:
    """A channel's banner.jpg (its card's and page's banner); Http404 when it has none."""
    return _serve_channel_image(request, channel_id, tree.banner_path, tree.BANNER_FILE)


def _serve_channel_image(request, channel_id: str, path_of, name: str) -> HttpResponse:
    if not is_safe_id(channel_id):
        raise Http404("No such file.")
    path = path_of(settings.ARCHIVE_ROOT, channel_id)
    if not path.is_file():
        raise Http404("No such file.")
    return serve_path(request, path, f"{channel_id}/{name}")


def _release_database() -> None:
    """Close this thread's database connections: a transfer may last hours and needs none."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def serve_path(request, path: Path, relative: str) -> HttpResponse:
    """``path`` (a checked archive file at ``relative`` in the tree) per RFC 9110, or through the web server."""
    content_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    accel = settings.YTARCHIVE["MEDIA_ACCEL_REDIRECT"]
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{relative}"
        return response
    stat = path.stat()
    decided = http_files.answer(request.method, request.headers, stat)
    validators = {"ETag": http_files.etag(stat), "Last-Modified": http_files.last_modified(stat),
                  "Cache-Control": "private, max-age=3600", "Accept-Ranges": "bytes"}
    if decided.status in (304, 412, 416):
        # No body, no Content-Type: an empty body is no page (RFC 9110 §15.4.5, §15.5.13, §15.5.17).
        response = HttpResponse(status=decided.status)
        del response["Content-Type"]
        if decided.status == 304:
            for name, value in validators.items():
                response[name] = value
        elif decided.status == 416:
            response["Content-Range"] = f"bytes */{stat.st_size}"
        return response
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
    elif (slot := stream_slots.take()) is None:
        response = HttpResponse("Every media stream of this server is busy; try again in a few seconds.\n",
                                status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
    elif decided.status == 200:
        response = FileResponse(stream_slots.SlotFile(path, slot), content_type=content_type)  # Django closes it
    else:
        response = StreamingHttpResponse(stream_slots.SlotChunks(path, decided.first, decided.length, CHUNK, slot),
                                         status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {decided.first}-{decided.last}/{stat.st_size}"
    _release_database()
    response["Content-Length"] = str(decided.length)
    for name, value in validators.items():
        response[name] = value
    return response
