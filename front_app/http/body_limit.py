"""Request bodies over YTARCHIVE_MAX_REQUEST_BYTES get a 413 before anything reads them.

Django refuses a large form body only once a view reads it, as an HTML 400
with a traceback in the log; a 20 MB JSON body to the API should get a
clear, short JSON answer instead. A body sent without Content-Length
(chunked) is never read at all: Django's WSGIRequest reads CONTENT_LENGTH
bytes, so such a request is handled as if it had no body. Should a view read
more than DATA_UPLOAD_MAX_MEMORY_SIZE (set to the same limit) some other way,
front_app.http.api_errors answers that with the same 413.
"""
from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse


def too_large(limit: int) -> JsonResponse:
    return JsonResponse({"detail": f"The request body is larger than the limit of {limit} bytes "
                                   "(YTARCHIVE_MAX_REQUEST_BYTES)."}, status=413)


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
        if limit and length > limit:
            return too_large(limit)
        return self.get_response(request)
