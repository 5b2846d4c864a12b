"""Request parsers that answer hostile bodies with a 400, never a 500, and the body types the API takes.

JSON nested a thousand levels deep makes Python's decoder raise
RecursionError, which DRF's JSONParser lets through as a server error (also
on the unauthenticated token endpoint). Here it is a ParseError like any
other malformed body.

The API takes JSON only (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES): each operation has one request body type
in /api/schema/, which is what a generated client needs. A cookies file may also come as a multipart upload
(``UPLOAD_PARSERS``). Any other type is answered 415 (front_app.http.api_errors says what to send).
"""
from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.")


UPLOAD_PARSERS = (SafeJSONParser, MultiPartParser)
