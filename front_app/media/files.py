"""Archived files over HTTP with Range (206 Partial Content), so seeking a multi-GB video starts at once.

Validators, conditional requests and ranges follow RFC 9110 (front_app.media.http_files
decides; this module sends). Only the files of the archive contract are served (``video.<ext>``,
``thumbnail.jpg``, ``subtitles/<lang>.vtt``), found through archiver.tree with
every id checked: no request names a path. With
YTARCHIVE_MEDIA_ACCEL_REDIRECT set, the web server in front (nginx) sends the
bytes through ``X-Accel-Redirect`` and does Range and validators itself (the
chart's nginx sidecar), so no Python thread is held by a reader at all; only a
range outside the file is answered here, since nginx's 416 is an HTML page.
Every file is sent with ``Content-Disposition: inline`` and a name of its own
(``{video_id}.mp4``, never ``video.mp4`` for all of them), which podcast apps
and browsers save it under.

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
from django.utils.http import content_disposition_header

from archiver import tree
from archiver.ids import is_safe_id
from front_app.media import http_files, stream_slots

_NAME = re.compile(r"^(video\.[a-z0-9]{2,5}|thumbnail\.jpg|subtitles/[A-Za-z0-9_-]{1,32}(\.auto)?\.vtt)$")
CHUNK = 256 * 1024
TYPES = {".vtt": "text/vtt", ".mkv": "video/x-matroska", ".webm": "video/webm", ".mp4": "video/mp4",
         ".m4a": "audio/mp4", ".opus": "audio/ogg", ".mp3": "audio/mpeg", ".ogg": "audio/ogg"}


def content_type(name: str) -> str:
    """The media type of an archive file by its name (an audio-only channel's ``video.m4a`` is audio/mp4)."""
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def download_name(video_id: str, name: str) -> str:
    """The name a client saves a served file under: the video's id, never ``video.mp4`` for every one
    (``{id}.mp4``, ``{id}.jpg``, ``{id}.en.vtt``)."""
    if name.startswith(f"{tree.VIDEO_FILE_STEM}."):
        return f"{video_id}{name[len(tree.VIDEO_FILE_STEM):]}"
    if name == tree.THUMBNAIL_FILE:
        return f"{video_id}.jpg"
    return f"{video_id}.{name.rsplit('/', 1)[-1]}"


def archived_file(channel_id: str, video_id: str, name: str) -> Path:
    """The path of one served file; Http404 for any id or name outside the contract."""
    if not (is_safe_id(channel_id) and is_safe_id(video_id) and _NAME.match(name)):
        raise Http404("No such file.")
    path = tree.folder_file(tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id), name)
    if not path.is_file():
        raise Http404("No such file.")
    return path


def serve(request, channel_id: str, video_id: str, name: str) -> HttpResponse:
    return serve_path(request, archived_file(channel_id, video_id, name), f"{channel_id}/videos/{video_id}/{name}",
                      filename=download_name(video_id, name))


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
    return serve_path(request, path, f"{channel_id}/{name}", filename=f"{channel_id}-{name}")


def _release_database() -> None:
    """Close this thread's database connections: a transfer may last hours and needs none."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def serve_path(request, path: Path, relative: str, filename: str = "") -> HttpResponse:
    """``path`` (a checked archive file at ``relative`` in the tree) per RFC 9110, or through the web server.

    ``filename`` is the name a client should save it under (``Content-Disposition: inline``, RFC 6266,
    with ``filename*`` when it is not ASCII), sent on every answer that has a body."""
    kind = content_type(path.name)
    disposition = content_disposition_header(False, filename) if filename else None
    accel = settings.YTARCHIVE["MEDIA_ACCEL_REDIRECT"]
    if accel:
        stat = path.stat()
        if http_files.answer(request.method, request.headers, stat).status == 416:
            return _unsatisfiable(stat)  # nginx's own 416 is an HTML page
        response = HttpResponse(content_type=kind)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{relative}"
        if disposition:
            response["Content-Disposition"] = disposition  # nginx keeps it from the upstream answer
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
            return _unsatisfiable(stat)
        return response
    if request.method == "HEAD":
        response = HttpResponse(content_type=kind)
    elif (slot := stream_slots.take()) is None:
        response = HttpResponse("Every media stream of this server is busy; try again in a few seconds.\n",
                                status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "5"
        return response
    elif decided.status == 200:
        response = FileResponse(stream_slots.SlotFile(path, slot), content_type=kind)  # Django closes it
    else:
        response = StreamingHttpResponse(stream_slots.SlotChunks(path, decided.first, decided.length, CHUNK, slot),
                                         status=206, content_type=kind)
        response["Content-Range"] = f"bytes {decided.first}-{decided.last}/{stat.st_size}"
    _release_database()
    if disposition:
        response["Content-Disposition"] = disposition
    response["Content-Length"] = str(decided.length)
    for name, value in validators.items():
        response[name] = value
    return response


def _unsatisfiable(stat) -> HttpResponse:
    """416 with no body and no Content-Type, and the size a client needs (RFC 9110 §15.5.17)."""
    response = HttpResponse(status=416)
    del response["Content-Type"]
    response["Content-Range"] = f"bytes */{stat.st_size}"
    response["Accept-Ranges"] = "bytes"
    return response
