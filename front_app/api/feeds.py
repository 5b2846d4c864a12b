"""``GET /api/feeds.opml``: every channel's podcast feed as OPML, for an account (the feeds hold tokens)."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from front_app import feeds

OPML = OpenApiResponse(OpenApiTypes.STR, description="OPML 2.0 with one outline per channel")


class FeedsOpmlView(APIView):
    @extend_schema(responses={(200, "text/x-opml"): OPML})
    def get(self, request):
        return feeds.opml(request)
