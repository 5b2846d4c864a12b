"""REST API of yt-dlp updates: ``GET /api/ytdlp/``, ``POST /api/ytdlp/update/``, ``POST /api/ytdlp/rollback/``.

Reading needs an account, changing needs the owner (front_app.http.permissions); the work runs as a
control task (downloads_app.ytdlp_updates), so a POST answers 202 at once with the update's record.
"""
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from archiver.errors import UserError
from archiver.vocabulary import JobStatus
from downloads_app import ytdlp_updates
from front_app.http.permissions import ReadAuthenticatedWriteOwner


class VersionSerializer(serializers.Serializer):
    version = serializers.CharField()
    release_date = serializers.DateField(allow_null=True, help_text="yt-dlp's versions are their release dates.")
    age_days = serializers.IntegerField(allow_null=True)


class UsedVersionSerializer(VersionSerializer):
    source = serializers.ChoiceField(["shared", "bundled"], help_text="The shared folder (an update) or the image's.")


class WorkerVersionSerializer(VersionSerializer):
    name = serializers.CharField(help_text="host:pid of a live download worker (local process or Job).")


class YtdlpSerializer(serializers.Serializer):
    control = UsedVersionSerializer(help_text="The yt-dlp of the control-side process answering.")
    selected = UsedVersionSerializer(help_text="The yt-dlp every process started from now on uses.")
    workers = WorkerVersionSerializer(many=True, help_text="Live download workers, from their roll call.")
    history = serializers.ListField(child=serializers.CharField(), help_text="Versions switched to, newest last.")
    update_channel = serializers.ChoiceField(["off", "stable", "nightly"], help_text="YTARCHIVE_YTDLP_UPDATE.")
    update = serializers.DictField(allow_null=True, help_text="The last update or rollback: id, action, status "
                                   f"({', '.join(JobStatus)}), version, previous, message.")


@extend_schema_serializer(component_name="YtdlpUpdate")  # the request component: YtdlpUpdateRequest
class UpdateRequestSerializer(serializers.Serializer):
    version = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                    help_text="e.g. 2026.11.01; empty: the newest stable.")


_QUEUED = inline_serializer("YtdlpChangeQueued", {"id": serializers.CharField(), "action": serializers.CharField(),
                                                   "status": serializers.CharField(),
                                                   "requested": serializers.CharField()})


class YtdlpView(APIView):
    """GET /api/ytdlp/: the yt-dlp in use (control side, new processes, each live worker) and the last update."""

    @extend_schema(responses=YtdlpSerializer, operation_id="ytdlp_status")
    def get(self, request):
        return Response(YtdlpSerializer(ytdlp_updates.status()).data)


class YtdlpUpdateView(APIView):
    """POST /api/ytdlp/update/ {"version": "..."}: install, check and switch to that yt-dlp (default: newest stable)."""

    permission_classes = (ReadAuthenticatedWriteOwner,)

    @extend_schema(request=UpdateRequestSerializer, responses={202: _QUEUED}, operation_id="ytdlp_update")
    def post(self, request):
        if not isinstance(request.data, dict):
            raise UserError('Send a JSON object, e.g. {"version": "2026.11.01"}.')
        body = UpdateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = ytdlp_updates.request_change("update", body.validated_data.get("version", ""), request.user.username)
        return Response(record, status=status.HTTP_202_ACCEPTED)


class YtdlpRollbackView(APIView):
    """POST /api/ytdlp/rollback/: go back to the version before the current one (or the bundled one)."""

    permission_classes = (ReadAuthenticatedWriteOwner,)

    @extend_schema(request=None, responses={202: _QUEUED}, operation_id="ytdlp_rollback")
    def post(self, request):
        return Response(ytdlp_updates.request_change("rollback", "", request.user.username),
                        status=status.HTTP_202_ACCEPTED)
