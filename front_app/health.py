"""Liveness (/health: the process answers) and readiness (/ready: it can do its work).

/ready names the part that fails (database, redis, archive) with a short fixed
reason; exception text, paths and addresses go to the log, and to signed-in
staff only, never to an anonymous caller such as a load balancer's probe.
"""
from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from archiver.state import store

log = logging.getLogger(__name__)

MIN_FREE_BYTES = 100 * 1024 * 1024


def health(request):
    return JsonResponse({"status": "ok"})


def _database() -> tuple[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return "unreachable", f"{exc.__class__.__name__}: {exc}"
    return "ok", ""


def _redis() -> tuple[str, str]:
    try:
        store.connect(settings.REDIS_URL).ping()
    except Exception as exc:
        return "unreachable", f"{exc.__class__.__name__}: {exc}"
    return "ok", ""


def _archive() -> tuple[str, str]:
    root = settings.ARCHIVE_ROOT
    if not root.is_dir():
        return "missing", f"{root} does not exist"
    if not os.access(root, os.W_OK):
        return "not writable", f"{root} is not writable"
    stats = os.statvfs(root)
    free = stats.f_bavail * stats.f_frsize
    if free <= MIN_FREE_BYTES:
        return "low on space", f"only {free} bytes free under {root}"
    return "ok", ""


def _is_staff(request, database_ok: bool) -> bool:
    if not database_ok:  # the session lives in the database
        return False
    try:
        return bool(request.user.is_staff)
    except Exception:
        return False


def ready(request):
    results = {part: check() for part, check in (("database", _database), ("redis", _redis), ("archive", _archive))}
    staff = _is_staff(request, results["database"][0] == "ok")
    checks, ok = {}, True
    for part, (verdict, detail) in results.items():
        if verdict != "ok":
            ok = False
            log.warning("not ready: %s %s: %s", part, verdict, detail)
        checks[part] = verdict if verdict == "ok" else f"error: {detail if staff else verdict}"
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)
