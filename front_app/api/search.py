"""``GET /api/search/``: every word of the archive's titles, descriptions, subtitles and comments, ranked.

Glue over search_app.engine, which parses the query (never an error on FTS syntax), ranks, filters and marks
the snippets; a bad ``kind``, ``channel`` or ``page`` is a 400 with its message."""
from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from archiver.errors import UserError
from search_app import engine
from search_app.query import KINDS
from text_app.threads import anchor


def hit_link(hit: engine.Hit) -> str:
    """The web app's page of the hit's video: at the cue's second, or opened at the comment in its thread."""
    url = reverse("web-video", args=[hit.channel_id, hit.video_id])
    if hit.kind == "subtitle" and hit.start is not None:
        return f"{url}?t={int(hit.start)}"
    if hit.kind == "comment":
        return f"{url}?{urlencode({'comment': hit.comment_id})}#comment-{anchor(hit.comment_id)}"
    return url


class HitSerializer(serializers.Serializer):
    video_id = serializers.CharField(help_text="The video's id on its site (its folder's name).")
    video = serializers.IntegerField(source="video_pk", help_text="The video's id in /api/videos/.")
    channel_id = serializers.CharField()
    title = serializers.CharField(help_text="The video's title.")
    kind = serializers.ChoiceField(choices=KINDS, help_text="Where the words were found.")
    snippet = serializers.CharField(help_text="The matching text, HTML-escaped, the matched words in <mark>.")
    start = serializers.FloatField(allow_null=True, help_text="Seconds into the video (subtitles), else null.")
    lang = serializers.CharField(help_text="The subtitle track's language (subtitles), else empty.")
    comment_id = serializers.CharField(help_text="The comment's id on its site (comments), else empty.")
    removed_upstream = serializers.BooleanField(help_text="A comment no longer on its site (kept here).")
    score = serializers.FloatField(help_text="Larger is better; comparable within one response only.")
    url = serializers.CharField(help_text="The web app's page: at ?t=SECONDS for a subtitle, the comment opened.")


class SearchPageSerializer(serializers.Serializer):
    results = HitSerializer(many=True)
    count = serializers.IntegerField(help_text=f"Hits in all, counted up to {engine.COUNT_LIMIT:,} (pages of 20, "
                                     f"up to page {engine.MAX_PAGE}).")
    count_exact = serializers.BooleanField(help_text=f"False when there are more than {engine.COUNT_LIMIT:,} hits.")
    next = serializers.CharField(allow_null=True, help_text="The next page's address, or null.")


def _page_number(raw: str | None) -> int:
    if raw in (None, ""):
        return 1
    try:
        return int(raw)
    except ValueError:
        raise UserError(f"page must be a whole number, not {raw[:20]!r}")


class SearchView(APIView):
    """Search titles, descriptions, subtitles and comments (README, "Search": the syntax)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description='Words (all of them), "an exact phrase", prefix*, and the '
                             "filters channel:ID and kind:title|description|subtitle|comment."),
            OpenApiParameter("channel", str, description="Only this channel's videos (its id)."),
            OpenApiParameter("kind", str, enum=list(KINDS), description="Only hits of this kind."),
            OpenApiParameter("page", int, description=f"1 to {engine.MAX_PAGE}, {engine.PER_PAGE} hits a page."),
        ],
        responses=SearchPageSerializer,
    )
    def get(self, request):
        params = request.query_params
        page = engine.search(params.get("q", ""), page=_page_number(params.get("page")),
                             channel=params.get("channel") or None, kind=params.get("kind") or None)
        results = [dict(vars(hit), url=hit_link(hit)) for hit in page.hits]
        following = None
        if page.has_next:
            following = request.build_absolute_uri("?" + urlencode({**params.dict(), "page": page.page + 1}))
        return Response(SearchPageSerializer({"results": results, "count": page.count,
                                                   "count_exact": page.count_exact, "next": following}).data)
