"""One shape for API errors: ``{"detail": "..."}`` plus field errors, never a 500 page.

DRF already answers its own exceptions; this adds the archiver's domain errors
(``archiver.errors.UserError``) as 400/409 with their message.
"""
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from archiver.errors import ConflictError, UserError


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        body = {"detail": str(exc)}
        body.update(exc.extra)
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, UserError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
