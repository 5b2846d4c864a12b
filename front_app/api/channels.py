"""REST API for channels and syncs: serializers and views are glue around channels_app.services."""
from collections.abc import Mapping

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from archiver import channel_options
from archiver.errors import UserError
from archiver.limits import MAX_SYNC_INTERVAL_HOURS, MIN_SYNC_INTERVAL_HOURS, bounded
from archiver.vocabulary import BUSY_STATUSES, FixityStatus, FlightState, VideoStatus
from channels_app import notify, services, status_counts
from channels_app import progress as live_progress
from channels_app.channel_cookies import cookies_state
from channels_app.models import Channel, SyncJob
from channels_app.options import channel_profile
from front_app import feeds
from front_app.api.schema_enums import FLIGHT_STATE, JOB_STATUS
from front_app.http.flags import flag


class SyncJobSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(JOB_STATUS, read_only=True)  # the words of an import's status too: one enum

    class Meta:
        model = SyncJob
        fields = ["id", "channel", "full", "status", "trigger", "attempts", "created_at", "started_at",
                  "heartbeat_at", "finished_at", "videos_seen", "videos_new", "videos_queued", "error"]
        read_only_fields = fields


OPTION_FIELDS = (*channel_options.NAMES, "notify_urls", "download_order")


class _CleanedText(serializers.CharField):
    """Text checked and normalised by its option's spec (tabs, SponsorBlock categories, extractor arguments)."""

    def __init__(self, spec, **kwargs):
        self.spec = spec
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return self.spec.cleaned(super().to_internal_value(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


def option_field(spec: channel_options.Spec) -> serializers.Field:
    """The API field of one option: its type, bounds, choices and help from its spec; empty: the default."""
    nullable = spec.kind in ("int", "float", "date", "bool")
    help_text = f"{spec.help} {'Null' if nullable else 'Empty'}: {spec.unset}."
    if spec.kind == "list" and spec.choices:
        help_text += f" Choose from: {', '.join(spec.choices)}."
    if spec.kind in ("int", "float"):
        kind = serializers.IntegerField if spec.kind == "int" else serializers.FloatField
        limits = bounded(*spec.bounds) if spec.bounds else {}
        return kind(required=False, allow_null=True, **limits, help_text=help_text)
    if spec.kind in ("date", "bool"):
        kind = serializers.DateField if spec.kind == "date" else serializers.BooleanField
        return kind(required=False, allow_null=True, help_text=help_text)
    if spec.kind == "choice":
        return serializers.ChoiceField(choices=["", *spec.choices], required=False, help_text=help_text)
    return _CleanedText(spec, required=False, allow_blank=True, max_length=spec.max_length, help_text=help_text)


# Every option's field, declared on a base the channel serializer extends (DRF collects declared fields by class).
ChannelOptionsSerializer = type("ChannelOptionsSerializer", (serializers.Serializer,),
                                {spec.name: option_field(spec) for spec in channel_options.SPECS})
_INTERVAL_RANGE = (f"must be between {MIN_SYNC_INTERVAL_HOURS} (72 s) and {MAX_SYNC_INTERVAL_HOURS} (a year).")


class ChannelSerializer(ChannelOptionsSerializer, serializers.ModelSerializer):
    url = serializers.CharField(max_length=2000, help_text="Any channel or playlist URL yt-dlp can list.")
    sync_interval_hours = serializers.FloatField(
        required=False, min_value=MIN_SYNC_INTERVAL_HOURS, max_value=MAX_SYNC_INTERVAL_HOURS,
        error_messages={"min_value": _INTERVAL_RANGE, "max_value": _INTERVAL_RANGE},
        help_text="Hours between scheduled syncs.")
    video_count = serializers.IntegerField(read_only=True, required=False)
    archived_count = serializers.IntegerField(read_only=True, required=False)
    failed_count = serializers.IntegerField(read_only=True, required=False)
    waiting_count = serializers.IntegerField(read_only=True, required=False,
                                             help_text="new, queued, downloading or retrying")
    download_order = serializers.ChoiceField(
        choices=["", "newest", "oldest"], required=False,
        help_text="Which of its queued videos download first: newest (empty: the default) or oldest. Channels "
                  "share a site's downloads in turns either way.")
    notify_urls = serializers.CharField(
        required=False, allow_blank=True, write_only=True, max_length=5000,
        help_text="Apprise URLs (one per line or comma-separated) told of this channel's new videos and failures, "
                  "besides YTARCHIVE_NOTIFY_URLS. Write-only: they hold secrets.")
    notify_targets = serializers.SerializerMethodField(help_text="How many Apprise URLs of its own the channel has.")
    feed_url = serializers.SerializerMethodField(help_text="The channel's podcast feed (RSS 2.0), with its secret "
                                                           "token: give it to a podcast app.")
    cookies = serializers.SerializerMethodField(help_text="Whose cookies its downloads use: 'channel' (its own), "
                                                          "'global', or '' (none). Never the cookies themselves.")
    effective = serializers.SerializerMethodField(help_text="The options in force: the channel's over the defaults.")

    class Meta:
        model = Channel
        fields = ["id", "url", "source_url", "extractor", "title", "description", "uploader",
                  "thumbnail_url", "enabled", "sync_interval_hours", "created_at", "updated_at",
                  "last_synced_at", "last_full_index_at", "video_count", "archived_count",
                  "failed_count", "waiting_count",
                  *OPTION_FIELDS, "notify_targets", "cookies", "feed_url", "effective"]
        read_only_fields = ["id", "source_url", "extractor", "title", "description", "uploader",
                            "thumbnail_url", "created_at", "updated_at", "last_synced_at",
                            "last_full_index_at"]

    def validate_sync_interval_hours(self, value):
        return services.validate_interval(value)

    def validate_notify_urls(self, value):
        try:
            return "\n".join(notify.parse_urls(value))
        except UserError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def get_notify_targets(self, obj) -> int:
        return len((obj.notify_urls or "").split())

    def get_feed_url(self, obj) -> str | None:
        request = self.context.get("request")
        return feeds.feed_url(request, obj) if request is not None else None

    def get_cookies(self, obj) -> str:
        return cookies_state(obj)

    def _order_errors(self, attrs) -> dict:
        low = attrs.get("sleep_min", getattr(self.instance, "sleep_min", None))
        high = attrs.get("sleep_max", getattr(self.instance, "sleep_max", None))
        if low is not None and high is not None and high < low:
            return {"sleep_max": ["must be at least sleep_min."]}
        return {}

    def validate(self, attrs):
        if errors := self._order_errors(attrs):
            raise serializers.ValidationError(errors)
        return attrs

    def to_internal_value(self, data):
        """Field errors, and the checks across fields too: DRF runs ``validate`` only once every field is valid,
        so "sleep_max below sleep_min" went unsaid while another field was wrong."""
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(data, Mapping) or not isinstance(exc.detail, dict):  # not an object at all
                raise
            valid = {}
            for name in ("sleep_min", "sleep_max"):
                if name in data and name not in exc.detail:
                    try:
                        valid[name] = self.fields[name].run_validation(data[name])
                    except serializers.ValidationError:
                        pass
            extra = {k: v for k, v in self._order_errors(valid).items() if k not in exc.detail}
            if extra:
                raise serializers.ValidationError({**exc.detail, **extra}) from exc
            raise

    def get_effective(self, obj) -> dict:
        return {**channel_options.as_json(channel_profile(obj)), "download_order": obj.download_order or "newest"}

    def update(self, instance, validated):
        if "url" in validated and validated["url"] not in (instance.url, instance.source_url):
            raise serializers.ValidationError({"url": "The URL of a channel cannot change; add a new one."})
        cutoff_moved = "published_after" in validated and validated["published_after"] != instance.published_after
        layout_moved = "library_layout" in validated and validated["library_layout"] != instance.library_layout
        for field in ("enabled", "sync_interval_hours", *OPTION_FIELDS):
            if field in validated:
                setattr(instance, field, validated[field])
        instance.save()
        if cutoff_moved:  # videos skipped for their date are weighed again by the next sync
            services.reconsider_skipped(instance)
        if layout_moved:  # its library view is built (and an old one taken down): channels_app.library_views
            services.queue_library_view(instance)
        return instance


class ChannelAddSerializer(ChannelSerializer):
    """POST /api/channels/: the channel's fields, ``paused``, and the first sync the add started."""
    paused = serializers.BooleanField(
        required=False, default=False, write_only=True,
        help_text="Add it without a sync (and, unless `enabled` is given, with its scheduled syncs off), as the web "
                  "app's \"Add paused\". By default the first sync starts at once.")
    sync = SyncJobSerializer(read_only=True, allow_null=True,
                             help_text="The first sync, started by the add; null when added paused.")

    class Meta(ChannelSerializer.Meta):
        fields = [*ChannelSerializer.Meta.fields, "paused", "sync"]

    def create(self, validated):
        channel, job = services.add_and_sync(
            validated["url"], validated.get("sync_interval_hours"), paused=validated.get("paused", False),
            enabled=validated.get("enabled"), options={k: v for k, v in validated.items() if k in OPTION_FIELDS})
        channel.sync = job  # what the answer's "sync" shows
        return channel


class InFlightSerializer(serializers.Serializer):
    video_id = serializers.CharField()
    state = serializers.ChoiceField(FLIGHT_STATE, help_text=(
        "downloading: its worker is alive; interrupted: its worker died (no heartbeat for a few seconds), "
        "it is resumed once its lease runs out"))
    downloaded_bytes = serializers.IntegerField()
    total_bytes = serializers.IntegerField(allow_null=True)
    speed = serializers.FloatField(allow_null=True, help_text="bytes per second")
    eta = serializers.FloatField(allow_null=True, help_text="seconds left, as yt-dlp estimates")


# Counts per video status (archiver.vocabulary.VideoStatus), and the downloads running now.
ProgressSerializer = type("ProgressSerializer", (serializers.Serializer,), {
    "total": serializers.IntegerField(),
    **{str(status): serializers.IntegerField() for status in VideoStatus},
    str(FlightState.INTERRUPTED): serializers.IntegerField(help_text="downloads whose worker died, waiting to resume"),
    str(FixityStatus.DAMAGED): serializers.IntegerField(help_text="archived videos whose last fixity check failed"),
    "in_flight": InFlightSerializer(many=True),
    "sync": SyncJobSerializer(allow_null=True),
})




class ChannelViewSet(viewsets.ModelViewSet):
    serializer_class = ChannelSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Channel.objects.order_by("title", "id")

    def get_serializer_class(self):
        return ChannelAddSerializer if self.action == "create" else ChannelSerializer

    @staticmethod
    def with_counts(channels) -> list[Channel]:
        """The channels with their video counts (from StatusCount: one query for the whole page, never a COUNT
        over the videos) and a feed token each (one statement for those without)."""
        channels = list(channels)
        counts = status_counts.by_channel([c.id for c in channels])
        for channel in channels:
            mine = counts[channel.id]
            channel.video_count, channel.archived_count = mine["total"], mine["counts"][VideoStatus.ARCHIVED]
            channel.failed_count = mine["counts"][VideoStatus.FAILED]
            channel.waiting_count = sum(mine["counts"].get(str(s), 0) for s in BUSY_STATUSES)
        feeds.ensure_tokens(channels)
        return channels

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(self.with_counts(page), many=True).data)

    def get_object(self):
        """The channel named in the URL; a 404 that names the id it did not find (not Django's generic text)."""
        try:
            return self.with_counts([super().get_object()])[0]
        except Http404:
            raise NotFound(f"No channel {self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, '')!r}: "
                           "GET /api/channels/ (or `ytarchive list`) shows the channels.") from None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        channel = serializer.save()
        self.with_counts([channel])
        return Response(self.get_serializer(channel).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("delete_files", bool, description="Also remove the files.")])
    def destroy(self, request, *args, **kwargs):
        delete_files = flag(request.query_params, "delete_files")
        services.delete_channel(self.get_object(), delete_files=delete_files)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: SyncJobSerializer},
                   parameters=[OpenApiParameter("full", bool, description="Rescan everything.")],
                   description="Starts a sync; one already queued or running (the add's own, say) answers 202 "
                               "with that job. 409 only for a full sync asked while an incremental one runs.")
    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        full = flag(request.query_params, "full")
        job, _ = services.sync_or_running(self.get_object(), full=full)
        return Response(SyncJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        channel = self.get_object()
        body = live_progress.progress(channel.id)
        latest = channel.syncs.first()
        body["sync"] = SyncJobSerializer(latest).data if latest else None
        return Response(body)

    @extend_schema(request=None, responses={202: inline_serializer("NfoQueued", {"queued": serializers.CharField()})},
                   parameters=[OpenApiParameter("overwrite", bool, description="Rewrite NFO files that exist.")])
    @action(detail=True, methods=["post"])
    def nfo(self, request, pk=None):
        """Write the media-server files (video.nfo, tvshow.nfo, poster.jpg) of videos archived before."""
        channel = self.get_object()
        services.queue_nfo_files(channel, overwrite=flag(request.query_params, "overwrite"))
        return Response({"queued": channel.id}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=inline_serializer("FeedAddress", {"feed_url": serializers.URLField()}))
    @action(detail=True, methods=["post"], url_path="feed-token")
    def feed_token(self, request, pk=None):
        """A new secret for the channel's feed: the old address stops working at once."""
        channel = self.get_object()
        feeds.rotate_token(channel)
        return Response({"feed_url": feeds.feed_url(request, channel)})

    @action(detail=True, methods=["get"])
    def syncs(self, request, pk=None):
        page = self.paginate_queryset(self.get_object().syncs.all())
        return self.get_paginated_response(SyncJobSerializer(page, many=True).data)


class SyncJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SyncJobSerializer
    queryset = SyncJob.objects.all()
