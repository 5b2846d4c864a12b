"""Conditional GET for a generated document (a podcast feed), per RFC 9110 §13.

A podcast app polls its feeds every hour or so; with ``ETag`` and
``Last-Modified`` it asks ``If-None-Match`` / ``If-Modified-Since`` and an
unchanged feed costs a 304 with no body. The ETag is strong, a hash of the
bytes (the same bytes, the same tag, whoever made them); Last-Modified is the
newest change the caller knows of (a video's or the channel's row, the
poster). Django's ``get_conditional_response`` applies the preconditions in
RFC 9110's order (If-None-Match wins over If-Modified-Since), so nothing here
re-implements them. Files on disk are front_app.media.http_files' business.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date


def etag(body: bytes) -> str:
    """The strong entity tag of ``body`` (quoted, as sent)."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def answer(request, body: bytes, content_type: str, modified: datetime) -> HttpResponse:
    """``body`` with its validators, or 304 / 412 when the request's preconditions say so."""
    response = HttpResponse(body, content_type=content_type)
    tag, stamp = etag(body), int(modified.timestamp())
    response["ETag"] = tag
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = "private, no-cache"  # the token is in the URL: no shared cache keeps it
    decided = get_conditional_response(request, etag=tag, last_modified=stamp, response=response)
    if decided.status_code == 412:
        del decided["Content-Type"]  # an empty body is no page
    return decided
