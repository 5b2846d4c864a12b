"""A drf-spectacular postprocessing hook for clients generated from /api/schema/ (README "API clients").

An operation that takes several body types (only the cookies upload: JSON text or a multipart file) has its
request body marked optional: openapi-python-client 0.29 writes a module that does not import for a required
body with several types (its issue #1451: ``| Unset`` without importing ``Unset``). Each body type's own
model keeps its required field, and the view answers an empty body 400 as before.
"""
from __future__ import annotations


def optional_multi_type_bodies(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for operation in path.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body and len(body.get("content", {})) > 1:
                body.pop("required", None)
    return result
