"""One shape for API errors: ``{"detail": "..."}``, never a 500 page.

DRF already answers its own exceptions; this adds the archiver's domain errors
(``archiver.errors.UserError``) as 400/409 with their message, Redis outages as 503
(front_app.http.outage), a 415 that names the body types the endpoint takes (JSON; a form is not), and folds DRF's
field errors (``{"url": ["..."]}``) into the same shape: ``detail`` is one
readable sentence, and ``errors`` keeps the per-field lists for forms.
"""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.exceptions import UnsupportedMediaType, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from archiver.errors import ConflictError, UserError
from front_app.http import outage


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):  # a chunked body over the limit, found while reading it
        return Response({"detail": f"The request body is larger than the limit of "
                                   f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes (YTARCHIVE_MAX_REQUEST_BYTES)."},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if outage.is_outage(exc):
        outage.note(context["request"], exc)
        return Response({"detail": outage.DETAIL}, status=status.HTTP_503_SERVICE_UNAVAILABLE,
                        headers={"Retry-After": str(outage.RETRY_AFTER_SECONDS)})
    if isinstance(exc, ConflictError):
        body = {"detail": str(exc)}
        body.update(exc.extra)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, UserError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, UnsupportedMediaType):
        exc.detail = unsupported_type(context["request"], context.get("view"))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        response.data = {"detail": describe(exc.detail), "errors": exc.detail}
    return response


def unsupported_type(request, view) -> str:
    """'Unsupported media type "application/x-www-form-urlencoded": send JSON (Content-Type: application/json).'"""
    taken = [parser.media_type for parser in getattr(view, "parser_classes", ())] or ["application/json"]
    wanted = " or ".join("JSON (Content-Type: application/json)" if kind == "application/json" else kind
                         for kind in taken)
    kind = (request.content_type or "").split(";")[0].strip()
    return f'Unsupported media type "{kind}": send {wanted}.'


def describe(detail, field: str = "") -> str:
    """``{"url": ["Enter a valid URL."]}`` -> ``"url: Enter a valid URL."`` (fields joined by '; ')."""
    if isinstance(detail, dict):
        parts = [describe(value, key if key != "non_field_errors" else "") for key, value in detail.items()]
        return "; ".join(p for p in parts if p)
    if isinstance(detail, list):
        return " ".join(describe(item, field) for item in detail if item)
    text = str(detail)
    return f"{field}: {text}" if field and not text.startswith(f"{field}:") else text
