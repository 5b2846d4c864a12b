"""Request parsers that answer hostile bodies with a 400, never a 500.

JSON nested a thousand levels deep makes Python's decoder raise
RecursionError, which DRF's JSONParser lets through as a server error (also
on the unauthenticated token endpoint). Here it is a ParseError like any
other malformed body.
"""
from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.")


PARSERS = (SafeJSONParser, FormParser, MultiPartParser)
