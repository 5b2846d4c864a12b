"""The playlists endpoints (issue 26): a channel's playlists (``/api/channels/{id}/playlists/``, and a playlist URL
added to it by POST), and one playlist's entries in order with each video's archive status
(``/api/playlists/{channel_id}/{playlist_id}/``). Glue around channels_app.playlists."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from channels_app import playlists
from channels_app.models import Channel, Playlist


class PlaylistSerializer(serializers.ModelSerializer):
    source = serializers.CharField(read_only=True, help_text="'tab': from the channel's playlists tab; "
                                                             "'added': a playlist URL added to the channel.")
    removed_upstream = serializers.SerializerMethodField(
        help_text="True when the site no longer lists it (kept, with what it had).")

    class Meta:
        model = Playlist
        fields = ["playlist_id", "channel", "title", "description", "url", "source", "position", "entry_count",
                  "truncated", "created_at", "updated_at", "removed_upstream", "removed_upstream_at"]
        read_only_fields = fields

    def get_removed_upstream(self, obj) -> bool:
        return obj.removed_upstream_at is not None


class PlaylistEntrySerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="From 1, in the playlist's order.")
    video_id = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="The video's status in the catalog (archived, failed, new, …), or "
                                             "'unknown' when no channel of the archive lists it.")
    archived = serializers.BooleanField(help_text="Playable from the archive.")
    channel_id = serializers.CharField(help_text="Whose video it is in the catalog ('' when unknown).")
    id = serializers.IntegerField(source="pk", allow_null=True, help_text="Its id under /api/videos/ (or null).")


class PlaylistDetailSerializer(PlaylistSerializer):
    entries = PlaylistEntrySerializer(many=True, read_only=True, source="shown",
                                      help_text="In the playlist's order.")

    class Meta(PlaylistSerializer.Meta):
        fields = [*PlaylistSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class AddPlaylistSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="A playlist URL yt-dlp can list (YouTube's "
                                                           "https://www.youtube.com/playlist?list=…).")


class ChannelPlaylistsView(APIView):
    """A channel's playlists: those of its playlists tab (in its order), then those added by URL."""

    @extend_schema(operation_id="channels_playlists_list", responses=PlaylistSerializer(many=True))
    def get(self, request, pk):
        channel = get_object_or_404(Channel, pk=pk)
        rows = Playlist.objects.filter(channel=channel).order_by("source", "position", "title", "id")
        return Response(PlaylistSerializer(rows, many=True).data)

    @extend_schema(operation_id="channels_playlists_add", request=AddPlaylistSerializer,
                   responses={201: PlaylistSerializer, 200: PlaylistSerializer})
    def post(self, request, pk):
        """Add a playlist URL to the channel: listed at once (a URL yt-dlp cannot list as a playlist is a 400),
        then refreshed after each of the channel's syncs. The same playlist again answers 200."""
        channel = get_object_or_404(Channel, pk=pk)
        body = AddPlaylistSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        playlist, created = playlists.add_playlist(channel, body.validated_data["url"])
        return Response(PlaylistSerializer(playlist).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PlaylistView(APIView):
    """One playlist: its entries in order, each with its video's archive status."""

    @extend_schema(operation_id="playlists_retrieve", responses=PlaylistDetailSerializer)
    def get(self, request, channel_id, playlist_id):
        playlist = get_object_or_404(Playlist, channel_id=channel_id, playlist_id=playlist_id)
        playlist.shown = playlists.shown_entries(playlist)
        return Response(PlaylistDetailSerializer(playlist).data)
