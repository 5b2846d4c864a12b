"""/api/schema/: JSON by default (``?format=yaml`` for YAML), and its errors in the API's JSON shape.

drf-spectacular's view renders with its YAML renderer first, so a bad
``?format=`` came back as a YAML 404; with DRF's JSONRenderer first every
answer an API client can get from here parses as JSON unless YAML is asked for.
"""
from __future__ import annotations

from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.renderers import JSONRenderer


class SchemaView(SpectacularAPIView):
    renderer_classes = [JSONRenderer, OpenApiYamlRenderer, OpenApiJsonRenderer]
