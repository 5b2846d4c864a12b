"""``/api/imports/``: adopt a yt-dlp folder on the server into a channel (channels_app.importer)."""
from __future__ import annotations

from celery import current_app
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from archiver import task_names
from channels_app import services
from channels_app.importer import MODES, check_path
from channels_app.models import ImportJob


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = ["id", "channel", "path", "download_archive", "mode", "dry_run", "status", "result", "error",
                  "created_at", "finished_at"]
        read_only_fields = fields


@extend_schema_serializer(component_name="Import")  # the request component: ImportRequest
class ImportRequestSerializer(serializers.Serializer):
    path = serializers.CharField(max_length=2000, help_text="A yt-dlp output folder under YTARCHIVE_IMPORT_ROOT.")
    channel = serializers.CharField(max_length=2000, help_text="The channel's id in ytarchive, or its URL "
                                                               "(added when it is not yet).")
    download_archive = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                             help_text="A yt-dlp --download-archive file under the import root: "
                                                       "the videos to take.")
    mode = serializers.ChoiceField(choices=MODES, default="link",
                                   help_text="link (hard links: the default, originals untouched), copy, or move.")
    dry_run = serializers.BooleanField(default=False, help_text="Only say what would be done.")


class ImportsView(APIView):
    @extend_schema(responses=ImportJobSerializer(many=True), operation_id="imports_list")
    def get(self, request):
        return Response(ImportJobSerializer(ImportJob.objects.all()[:100], many=True).data)

    @extend_schema(request=ImportRequestSerializer, responses={202: ImportJobSerializer}, operation_id="imports_create")
    def post(self, request):
        body = ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        check_path(data["path"])
        if data.get("download_archive"):
            check_path(data["download_archive"])
        channel = services.channel_for(data["channel"])
        job = ImportJob.objects.create(channel=channel, path=data["path"], mode=data["mode"], dry_run=data["dry_run"],
                                       download_archive=data.get("download_archive") or "")
        current_app.send_task(task_names.RUN_IMPORT, args=[job.pk], retry=True)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportJobView(APIView):
    @extend_schema(responses=ImportJobSerializer, operation_id="imports_retrieve")
    def get(self, request, pk: int):
        return Response(ImportJobSerializer(get_object_or_404(ImportJob, pk=pk)).data)
