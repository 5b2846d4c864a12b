"""A URL over MAX_URL_BYTES gets a 414 from Django: JSON under /api/, so clients parse ``detail`` as for
every other error.

gunicorn would answer such a request line itself, as an HTML page, above its
``limit_request_line`` (4094 bytes by default). config.gunicorn_conf lifts that
limit (gunicorn then still bounds a request line at 1 MiB) so that the answer
comes from here, in the API's own shape.
"""
from __future__ import annotations

from django.http import HttpResponse, JsonResponse

MAX_URL_BYTES = 4096


def url_bytes(request) -> int:
    """The request target's length as sent (gunicorn's RAW_URI), else as Django rebuilds it."""
    return len(request.META.get("RAW_URI") or request.get_full_path())


class UrlLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = url_bytes(request)
        if length <= MAX_URL_BYTES:
            return self.get_response(request)
        detail = f"The URL is {length} bytes long, over the limit of {MAX_URL_BYTES}: send long input in a body."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": detail}, status=414)
        return HttpResponse(detail, status=414, content_type="text/plain; charset=utf-8")
