"""The OpenAPI schema documents every error answer, in the one shape they all have.

A drf-spectacular postprocessing hook: each operation gets the error
responses any API request can meet (400 bad input or flag, 401 no
credentials, 403 not allowed or CSRF, 404, 405, 409 conflict, 413 body too
large, 414 URL too long, 415 content type, 429 throttled, 503 Redis unreachable) with the ``Error`` component
``{"detail": str, "errors": {field: [str]}}`` unless it documents its own.
"""
from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in one sentence."},
        "errors": {"description": "The messages behind a 400: per field (`{\"url\": [\"...\"]}`), "
                                  "or a list when the input as a whole is wrong."},
    },
    "required": ["detail"],
}
CODES = {
    "400": "Bad input: a malformed body, an invalid field (see errors) or an invalid query flag.",
    "401": "No or invalid credentials.",
    "403": "Not allowed (reads need an account, writes an editor's, site-wide settings the owner's).",
    "404": "Not found.",
    "405": "Method not allowed.",
    "409": "Conflict with the archive's state (a channel added already, a sync running, nothing to retry).",
    "413": "The request body is over YTARCHIVE_MAX_REQUEST_BYTES.",
    "414": "The URL (path and query) is over 4096 bytes.",
    "415": "Unsupported content type (send application/json).",
    "429": "Throttled: see the Retry-After header.",
    "503": "Redis (the queue and live state) cannot be reached: try again after the Retry-After header's seconds.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    ref = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, text in CODES.items():
                responses.setdefault(code, {"description": text, "content": {"application/json": {"schema": ref}}})
    return result
