"""The cookies endpoints: one channel's (``/api/channels/{id}/cookies/``) and every channel's
(``/api/cookies/``). A file goes in (multipart ``file``, or JSON ``{"text": ...}``); only
whether one is set ever comes out (archiver.cookies). An editor sets a channel's; only the owner the global
ones (tokens_app.roles)."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from archiver import cookies
from channels_app import channel_cookies
from channels_app.models import Channel
from front_app.http.parsers import UPLOAD_PARSERS
from tokens_app import roles

StateSerializer = inline_serializer("CookiesState", {
    "set": serializers.BooleanField(help_text="Whether cookies are kept for this scope."),
    "used": serializers.ChoiceField(choices=["channel", "global", ""], help_text=(
        "Whose cookies the channel's downloads use: its own, the global ones, or none.")),
})


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="A cookies.txt file (Netscape format).")
    text = serializers.CharField(required=False, trim_whitespace=False, max_length=cookies.MAX_BYTES,
                                 help_text="The same, as text.")

    def validate(self, attrs):
        if not attrs.get("file") and not attrs.get("text"):
            raise serializers.ValidationError("Send the cookies file as multipart 'file', or its text as 'text'.")
        return attrs


# What the schema offers per body type (the view validates either with UploadSerializer): one request type
# each, so a generated client can tell an upload from a text by its type.
CookiesFileSerializer = inline_serializer("CookiesFile", {
    "file": serializers.FileField(help_text="A cookies.txt file (Netscape format)."),
})
CookiesTextSerializer = inline_serializer("CookiesText", {
    "text": serializers.CharField(trim_whitespace=False, max_length=cookies.MAX_BYTES,
                                  help_text="A cookies.txt file's text (Netscape format)."),
})


class CookiesView(APIView):
    """Set, replace or remove cookies. Members-only and age-gated videos need them."""

    parser_classes = UPLOAD_PARSERS  # JSON, or the file as a multipart upload

    def _scope(self, pk: str | None) -> str:
        if pk is None and self.request.method not in ("GET", "HEAD", "OPTIONS") \
                and not roles.can_manage_people(self.request.user):
            raise PermissionDenied("Changing the global cookies needs the owner's account.")
        return get_object_or_404(Channel, pk=pk).id if pk is not None else cookies.GLOBAL

    def _state(self, scope: str) -> dict:
        is_set = cookies.is_set(channel_cookies.cookies_root(), scope)
        if scope == cookies.GLOBAL:
            return {"set": is_set, "used": "global" if is_set else ""}
        return {"set": is_set, "used": channel_cookies.cookies_state(Channel(id=scope))}

    @extend_schema(responses=StateSerializer)
    def get(self, request, pk: str | None = None):
        return Response(self._state(self._scope(pk)))

    @extend_schema(request={"application/json": CookiesTextSerializer, "multipart/form-data": CookiesFileSerializer},
                   responses=StateSerializer)
    def put(self, request, pk: str | None = None):
        scope = self._scope(pk)
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data.get("file")
        data = upload.read(cookies.MAX_BYTES + 1) if upload else body.validated_data["text"]
        channel_cookies.set_cookies(scope, data)
        return Response(self._state(scope))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: str | None = None):
        scope = self._scope(pk)
        channel_cookies.clear_cookies(scope)
        return Response(status=status.HTTP_204_NO_CONTENT)
