"""Liveness (/health: the process answers) and readiness (/ready: it can do its work)."""
import os

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from archiver import state


def health(request):
    return JsonResponse({"status": "ok"})


def ready(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc}"
    checks["redis"] = "ok" if state.ping(state.connect(settings.REDIS_URL)) else "error: no answer"
    root = settings.ARCHIVE_ROOT
    if not root.is_dir():
        checks["archive"] = f"error: {root} does not exist"
    elif not os.access(root, os.W_OK):
        checks["archive"] = f"error: {root} is not writable"
    else:
        stats = os.statvfs(root)
        free = stats.f_bavail * stats.f_frsize
        checks["archive"] = "ok" if free > 100 * 1024 * 1024 else f"error: only {free} bytes free"
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks},
                        status=200 if ok else 503)
