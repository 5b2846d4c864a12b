"""Redis down is a 503 that says so, never a 500: JSON under /api/, a page with the app's navigation elsewhere.

Redis holds the queue, live progress, throttles and leases; when it cannot be
reached, redis-py raises ConnectionError/TimeoutError (Django's Redis cache, used
by the throttles, raises the same) and Celery's ``send_task`` raises kombu's
OperationalError once its retries are spent. Each is an outage of a part, not a
bug: the caller is told to come back (``Retry-After``), and the log gets one
line instead of a traceback. front_app.http.api_errors answers these for DRF views;
the middleware below answers them for every other view.
"""
from __future__ import annotations

import logging

from django.http import JsonResponse
from django.shortcuts import render
from kombu.exceptions import OperationalError
from redis import exceptions as redis_errors

log = logging.getLogger(__name__)

OUTAGE_ERRORS = (redis_errors.ConnectionError, redis_errors.TimeoutError, OperationalError)
RETRY_AFTER_SECONDS = 30
DETAIL = ("Redis (the queue and live state) cannot be reached right now; nothing was lost. "
          f"Try again in {RETRY_AFTER_SECONDS} seconds.")


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGE_ERRORS)


def note(request, exc: BaseException) -> None:
    log.warning("redis unreachable: %s %s answered 503 (%s: %s)", request.method, request.path,
                type(exc).__name__, exc)


def api_answer() -> JsonResponse:
    response = JsonResponse({"detail": DETAIL}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class RedisOutageMiddleware:
    """Turns an outage raised by any non-DRF view into a 503 (DRF's views answer through api_errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        note(request, exception)
        if request.path.startswith("/api/"):
            return api_answer()
        response = render(request, "web/outage.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
