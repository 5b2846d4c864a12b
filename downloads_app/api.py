"""REST API for videos: list and filter, inspect, retry."""
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from archiver.errors import UserError
from downloads_app import services
from downloads_app.models import Video


class VideoSerializer(serializers.ModelSerializer):
    dead_letter = serializers.BooleanField(read_only=True)
    channel = serializers.CharField(source="channel_id", read_only=True)

    class Meta:
        model = Video
        fields = ["id", "channel", "video_id", "raw_id", "url", "title", "tab", "duration",
                  "upload_date", "status", "failure_kind", "dead_letter", "last_error", "attempts",
                  "video_file", "size_bytes", "subtitles", "first_seen_at", "queued_at",
                  "archived_at", "updated_at"]
        read_only_fields = fields


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("channel", str, description="A channel id."),
    OpenApiParameter("status", str, enum=[s.value for s in Video.Status]),
    OpenApiParameter("dead_letter", bool, description="Failed after all retries."),
]))
class VideoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VideoSerializer

    def get_queryset(self):
        videos = Video.objects.all()
        params = self.request.query_params
        if params.get("channel"):
            videos = videos.filter(channel_id=params["channel"])
        if params.get("status"):
            if params["status"] not in Video.Status.values:
                raise UserError(f"status must be one of: {', '.join(Video.Status.values)}")
            videos = videos.filter(status=params["status"])
        dead = params.get("dead_letter", "").lower()
        if dead in _TRUE:
            videos = videos.filter(status=Video.Status.FAILED, failure_kind=Video.FailureKind.TRANSIENT)
        elif dead and dead not in _FALSE:
            raise UserError("dead_letter must be true or false")
        return videos.order_by("-upload_date", "-id")

    @extend_schema(request=None, responses={202: VideoSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        video = services.retry_video(self.get_object())
        return Response(VideoSerializer(video).data, status=status.HTTP_202_ACCEPTED)
