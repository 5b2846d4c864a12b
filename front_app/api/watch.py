"""Watched and resume, per person: ``/api/videos/{id}/watch/`` (the caller's own state of one video) and
``/api/watch/bulk/`` (mark many), ``/api/watch/continue/`` (started, not finished). Glue over
library_app.watching, which validates and says why (a 400)."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from archiver.errors import UserError
from channels_app.models import Video
from front_app.api.videos import VideoSerializer
from front_app.http.parsers import SafeJSONParser
from front_app.http.permissions import SignedInOwnState
from library_app import watching

CONTINUE_DEFAULT, CONTINUE_MAX = 20, 200


class WatchStateSerializer(serializers.Serializer):
    video = serializers.IntegerField(source="video_id", help_text="The video's id (as /api/videos/ gives it).")
    position = serializers.FloatField(help_text="Seconds into the video where you stopped (0: not started).")
    watched = serializers.BooleanField(help_text="Watched to 90 % of its duration, or marked so.")
    updated_at = serializers.DateTimeField(allow_null=True, help_text="When it last changed (null: never).")


class WatchUpdateSerializer(serializers.Serializer):
    position = serializers.FloatField(required=False, min_value=0, help_text=(
        "Seconds (a number), at most the video's duration plus 5 s; at 90 % of the duration the video is "
        "marked watched."))
    watched = serializers.BooleanField(required=False, help_text=(
        "Mark watched or unwatched (unwatched, without a position, starts the video over)."))


class BulkWatchSerializer(serializers.Serializer):
    video_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=watching.MAX_BULK)
    watched = serializers.BooleanField()


def _video(pk: int) -> Video:
    if pk > watching.MAX_ID:
        raise Http404("No such video.")
    return get_object_or_404(Video, pk=pk)


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise UserError("Send a JSON object.")
    return request.data


class WatchView(APIView):
    """Your own watch state of one video: where you stopped and whether you watched it."""

    permission_classes = [SignedInOwnState]
    parser_classes = [SafeJSONParser]  # numbers only: a form's values are text

    @extend_schema(responses=WatchStateSerializer, operation_id="videos_watch_retrieve")
    def get(self, request, pk: int):
        video = _video(pk)
        return Response(WatchStateSerializer(watching.get_state(request.user, video)).data)

    @extend_schema(request=WatchUpdateSerializer, responses=WatchStateSerializer, operation_id="videos_watch_update")
    def put(self, request, pk: int):
        """Change your position and/or watched flag (either may be left out)."""
        video = _video(pk)
        body = _body(request)
        state = watching.set_state(request.user, video, position=body.get("position"), watched=body.get("watched"))
        return Response(WatchStateSerializer(state).data)


class ContinueWatchingSerializer(serializers.Serializer):
    video = VideoSerializer()
    position = serializers.FloatField()
    watched = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class ContinueWatchingView(APIView):
    """Your started, unwatched videos, the latest played first ("continue watching")."""

    permission_classes = [SignedInOwnState]

    @extend_schema(responses=ContinueWatchingSerializer(many=True), operation_id="watch_continue",
                   parameters=[OpenApiParameter("limit", int, description=f"At most this many (1 to "
                                                f"{CONTINUE_MAX}, default {CONTINUE_DEFAULT}).")])
    def get(self, request):
        raw = request.query_params.get("limit", str(CONTINUE_DEFAULT))
        if not raw.isdigit() or not 1 <= int(raw) <= CONTINUE_MAX:
            raise UserError(f"limit must be a whole number from 1 to {CONTINUE_MAX}.")
        rows = watching.continue_watching(request.user, int(raw))
        return Response(ContinueWatchingSerializer(rows, many=True).data)


class BulkWatchView(APIView):
    """Mark several videos watched or unwatched for yourself at once."""

    permission_classes = [SignedInOwnState]
    parser_classes = [SafeJSONParser]  # numbers only: a form's values are text

    @extend_schema(request=BulkWatchSerializer, operation_id="watch_bulk", responses=inline_serializer(
        "BulkWatched", {"marked": serializers.IntegerField(help_text="How many videos were marked."),
                        "watched": serializers.BooleanField()}))
    def post(self, request):
        body = _body(request)
        marked = watching.mark(request.user, body.get("video_ids"), body.get("watched"))
        return Response({"marked": marked, "watched": body["watched"]})
