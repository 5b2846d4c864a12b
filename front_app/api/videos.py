"""REST API for videos (list, filter, inspect, retry) and a channel's retry-failed action."""
from celery import current_app
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from archiver import task_names
from archiver.errors import ConflictError, UserError
from archiver.vocabulary import STORED_VIDEO_STATUSES, FailureKind, FixityStatus, VideoStatus
from channels_app import fixity_checks, history, status_counts
from channels_app.models import Channel, Video
from downloads_app import queueing, site_pauses
from front_app.api.schema_enums import FAILURE_REASON, SHOWN_STATUS
from front_app.http.flags import flag
from front_app.paging import KnownCountPagination


class VideoSerializer(serializers.ModelSerializer):
    dead_letter = serializers.BooleanField(read_only=True)
    channel = serializers.CharField(source="channel_id", read_only=True)
    max_attempts = serializers.SerializerMethodField(help_text="Attempts allowed before the dead-letter list.")
    reason = serializers.SerializerMethodField(
        help_text="Why a failed or retrying video failed, as a stable code (null otherwise); README, "
                  "'What each failure means'.")
    hint = serializers.SerializerMethodField(
        help_text="What the reason means and how to fix it, in plain words (null unless failed or retrying); "
                  "`last_error` keeps yt-dlp's own words.")
    shown_status = serializers.SerializerMethodField(
        help_text="The status as pages show it: `damaged` for an archived video whose last fixity check failed "
                  "(`status` stays `archived`), else `status`.")

    class Meta:
        model = Video
        fields = ["id", "channel", "video_id", "raw_id", "url", "title", "tab", "duration",
                  "upload_date", "status", "shown_status", "failure_kind", "dead_letter", "reason", "hint",
                  "last_error", "attempts",
                  "max_attempts", "next_attempt_at", "video_file", "size_bytes", "format_id", "height", "subtitles",
                  "first_seen_at", "queued_at", "archived_at", "updated_at", "fixity_status", "fixity_checked_at",
                  "fixity_problems", "availability", "removed_upstream_at", "view_count", "like_count", "view_series"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=SHOWN_STATUS))
    def get_shown_status(self, obj) -> str:
        return str(FixityStatus.DAMAGED) if obj.fixity_status == FixityStatus.DAMAGED else str(obj.status)

    def get_max_attempts(self, obj) -> int:
        return queueing.max_attempts()

    @extend_schema_field(serializers.ChoiceField(choices=FAILURE_REASON, allow_null=True))
    def get_reason(self, obj) -> str | None:
        failure = obj.failure
        return str(failure.reason) if failure else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hint(self, obj) -> str | None:
        failure = obj.failure
        return failure.hint if failure else None


class VideoChangeSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When a sync saw the change.")
    field = serializers.CharField(help_text="title, description, duration or availability (counts are no changes: "
                                            "the video's view_count, like_count and view_series)")
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)


_STATUS_VALUES = [str(s) for s in STORED_VIDEO_STATUSES]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("channel", str, description="A channel id."),
    OpenApiParameter("video_id", str, description="A video id (the folder name)."),
    OpenApiParameter("status", str, enum=_STATUS_VALUES),
    OpenApiParameter("dead_letter", bool, description="Failed after all retries."),
]))
class VideoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VideoSerializer
    pagination_class = KnownCountPagination

    def known_count(self) -> int | None:
        """How many videos the filters select, from the StatusCount rows when they can say (front_app.paging)."""
        params = self.request.query_params
        if params.get("video_id"):
            return None
        dead = flag(params, "dead_letter")
        status = VideoStatus.FAILED if dead else (params.get("status") or None)
        if status is not None and status not in _STATUS_VALUES:
            return None  # get_queryset says why
        if dead and params.get("status") and params["status"] != VideoStatus.FAILED:
            return None
        return status_counts.count(params.get("channel") or None, status,
                                   FailureKind.TRANSIENT if dead else None)

    def get_queryset(self):
        videos = Video.objects.all()
        params = self.request.query_params
        if params.get("channel"):
            videos = videos.filter(channel_id=params["channel"])
        if params.get("video_id"):
            videos = videos.filter(video_id=params["video_id"])
        if params.get("status"):
            if params["status"] not in _STATUS_VALUES:
                raise UserError(f"status must be one of: {', '.join(_STATUS_VALUES)}")
            videos = videos.filter(status=params["status"])
        if flag(params, "dead_letter"):
            videos = videos.filter(status=VideoStatus.FAILED, failure_kind=FailureKind.TRANSIENT)
        return videos.order_by("-upload_date", "-id")

    @extend_schema(request=None, responses={202: VideoSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        video = queueing.retry_video(self.get_object())
        return Response(VideoSerializer(video).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=VideoChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """What changed upstream, oldest first: title, description, counts, availability."""
        return Response(VideoChangeSerializer(history.timeline(self.get_object()), many=True).data)

    @extend_schema(request=None, responses={202: VideoSerializer})
    @action(detail=True, methods=["post"])
    def redownload(self, request, pk=None):
        """Download an archived video again (a damaged one); its copy is kept aside until the new one verifies."""
        video = fixity_checks.redownload(self.get_object())
        return Response(VideoSerializer(video).data, status=status.HTTP_202_ACCEPTED)


class DamagedVideoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    video_id = serializers.CharField()
    title = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())
    checked_at = serializers.DateTimeField(allow_null=True)


class FixitySerializer(serializers.Serializer):
    archived = serializers.IntegerField()
    ok = serializers.IntegerField(help_text="Archived videos whose last check found them intact.")
    damaged = DamagedVideoSerializer(many=True)
    pending = serializers.IntegerField(help_text="Archived videos not checked since `since` (or never).")


class ChannelFixityView(APIView):
    """GET /api/channels/{id}/fixity/: the channel's last checks; POST: check every archived video now."""

    @extend_schema(responses=FixitySerializer, operation_id="channels_fixity",
                   parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME,
                                                description="Count as pending what was not checked since then.")])
    def get(self, request, pk):
        channel = get_object_or_404(Channel, pk=pk)
        since = request.query_params.get("since")
        try:
            when = parse_datetime(since) if since else None
        except ValueError:
            when = None
        if since and when is None:
            raise UserError("since must be a date and time, e.g. 2026-11-25T10:00:00Z")
        return Response(FixitySerializer(fixity_checks.summary(channel.id, when)).data)

    @extend_schema(request=None, operation_id="channels_verify",
                   responses={202: inline_serializer("VerifyQueued", {"queued": serializers.CharField(),
                                                                       "since": serializers.DateTimeField()})})
    def post(self, request, pk):
        channel = get_object_or_404(Channel, pk=pk)
        since = timezone.now()
        current_app.send_task(task_names.VERIFY_CHANNEL, args=[channel.id, since.isoformat()], retry=True)
        return Response({"queued": channel.id, "since": since}, status=status.HTTP_202_ACCEPTED)


class ChannelRetryFailedView(APIView):
    """POST /api/channels/{id}/retry-failed/: requeue every failed video of a channel at once."""

    @extend_schema(request=None, operation_id="channels_retry_failed",
                   responses={202: inline_serializer("Requeued", {"requeued": serializers.IntegerField()})},
                   parameters=[OpenApiParameter("dead_letter", bool,
                                                description="Only videos whose retries ran out.")])
    def post(self, request, pk):
        channel = get_object_or_404(Channel, pk=pk)
        dead_only = flag(request.query_params, "dead_letter")
        count = queueing.retry_failed(channel.id, dead_letter_only=dead_only)
        if not count:
            raise ConflictError(f"Channel {channel.id} has no {'dead-letter' if dead_only else 'failed'} videos: "
                                "nothing to retry.")
        return Response({"requeued": count}, status=status.HTTP_202_ACCEPTED)


class PausedSiteSerializer(serializers.Serializer):
    site = serializers.CharField()
    identity = serializers.CharField(help_text="The egress identity paused there (``direct``: the machine's own "
                                               "route); the others go on.")
    until = serializers.DateTimeField(help_text="When this identity may ask the site again, by itself.")
    reason = serializers.CharField(help_text="What the site answered (a bot check, HTTP 429, 403s, throttled "
                                             "formats).")
    strikes = serializers.IntegerField(help_text="Pauses in a row; each doubles the wait, up to a day.")
    waiting = serializers.IntegerField(help_text="Videos waiting for it (retrying, not counted as attempts).")


class PausedSitesView(APIView):
    """GET /api/sites/: sites paused for an egress identity after a refusal, one entry per (site, identity)."""

    @extend_schema(responses=PausedSiteSerializer(many=True), operation_id="sites_paused")
    def get(self, request):
        return Response(PausedSiteSerializer(site_pauses.paused(), many=True).data)


class ResumeSiteView(APIView):
    """POST /api/sites/{site}/resume/: end a site's pause now, for every identity or ``?identity=NAME``'s."""

    @extend_schema(request=None, operation_id="sites_resume",
                   parameters=[OpenApiParameter("identity", str, description="Only this egress identity "
                                                "(as GET /api/sites/ names it); default: every one.")],
                   responses={202: inline_serializer("Resumed", {"resumed": serializers.IntegerField()})})
    def post(self, request, site):
        identity = request.query_params.get("identity", "")
        return Response({"resumed": site_pauses.resume(site, identity)}, status=status.HTTP_202_ACCEPTED)
