"""The web app's catalog pages: channels, one channel, one video, archived media, login.

Views are glue over the same services as the REST API (channels_app.services,
channels_app.progress): same validation, same messages. Reading needs an
account; changing needs a staff account (config.permissions' rule), checked
here on every POST whatever the page showed.
"""
from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from archiver import cookies, download_profile, state, tree
from archiver.errors import UserError
from archiver.statuses import STORED_VIDEO_STATUSES, VideoStatus
from channels_app import feeds, history, media, options, services
from channels_app.models import Channel, Video
from config.client_address import client_address

PAGE_SIZE = 48
LOGIN_WINDOW_SECONDS = 300


def staff_only(request) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("Changing the archive needs a staff account.")


def _redis():
    return state.connect(settings.REDIS_URL)


class ThrottledLoginView(auth_views.LoginView):
    """Django's login form, refused for a while after YTARCHIVE_LOGIN_ATTEMPTS failures per address and name.

    The address is the client's (config.client_address: behind YTARCHIVE_NUM_PROXIES proxies, the one they
    forwarded), so behind an ingress one client's failures do not lock everyone else out.
    """

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def _who(self) -> str:
        name = (self.request.POST.get("username") or "").strip().lower()[:150]
        return f"{client_address(self.request)}|{name}"

    def post(self, request, *args, **kwargs):
        if state.login_failures(_redis(), self._who()) >= settings.YTARCHIVE["LOGIN_ATTEMPTS"]:
            form = self.get_form()
            form.add_error(None, "Too many failed attempts: wait five minutes and try again.")
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(LOGIN_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        state.count_login_failure(_redis(), self._who(), LOGIN_WINDOW_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form):
        state.clear_login_failures(_redis(), self._who())
        return super().form_valid(form)


def _first_thumbnail(channel_id: str) -> str | None:
    video = Video.objects.filter(channel_id=channel_id, status=VideoStatus.ARCHIVED).order_by(
        "-upload_date").values_list("video_id", flat=True).first()
    if video and tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video).joinpath("thumbnail.jpg").is_file():
        return f"/media/{channel_id}/{video}/thumbnail.jpg"
    return None


@login_required
def channel_list(request):
    counts = {s: Count("videos", filter=Q(videos__status=s)) for s in STORED_VIDEO_STATUSES}
    channels = Channel.objects.annotate(
        video_total=Count("videos"), archived_bytes=Sum("videos__size_bytes",
                                                        filter=Q(videos__status=VideoStatus.ARCHIVED)),
        **{f"n_{s}": c for s, c in counts.items()}).order_by("title", "id")
    rows = []
    for channel in channels:
        next_sync = (channel.last_synced_at + timedelta(hours=channel.sync_interval_hours)
                     if channel.enabled and channel.last_synced_at else None)
        rows.append({"channel": channel, "thumbnail": _first_thumbnail(channel.id), "next_sync": next_sync,
                     "counts": [(s, getattr(channel, f"n_{s}")) for s in STORED_VIDEO_STATUSES
                                if getattr(channel, f"n_{s}")]})
    return render(request, "web/channels.html", {"rows": rows, "statuses": [str(s) for s in VideoStatus]})


@login_required
@require_POST
def channel_add(request):
    staff_only(request)
    url = request.POST.get("url", "").strip()
    try:
        interval = request.POST.get("sync_interval_hours", "").strip()
        channel = services.add_channel(url, services.validate_interval(interval) if interval else None)
    except UserError as exc:
        messages.error(request, str(exc))
        return redirect("/")
    messages.success(request, f"Added {channel.title or channel.id}. Press Sync to start archiving it.")
    return redirect("web-channel", channel_id=channel.id)


@login_required
@require_POST
def channel_action(request, channel_id: str, action: str):
    """sync, full-sync, pause, resume, interval, options, cookies, cookies-clear: a form each on the channel page."""
    staff_only(request)
    channel = get_object_or_404(Channel, pk=channel_id)
    try:
        if action in ("sync", "full-sync"):
            services.request_sync(channel, full=action == "full-sync", trigger="web")
            messages.success(request, f"{'Full sync' if action == 'full-sync' else 'Sync'} of {channel} queued.")
        elif action in ("pause", "resume"):
            channel.enabled = action == "resume"
            channel.save()
            messages.success(request, f"Scheduled syncs of {channel} {'resumed' if channel.enabled else 'paused'}.")
        elif action == "options":
            _save_options(request, channel)
        elif action == "cookies":
            upload = request.FILES.get("cookies_file")
            if upload is None:
                raise UserError("Choose a cookies.txt file to upload.")
            options.set_cookies(channel.id, upload.read(cookies.MAX_BYTES + 1))
            messages.success(request, f"Cookies of {channel} saved; downloads queued from now on use them.")
        elif action == "nfo":
            services.queue_nfo_files(channel)
            messages.success(request, f"The media-server files of {channel} are being written.")
        elif action == "feed-token":
            feeds.rotate_token(channel)
            messages.success(request, f"{channel} has a new feed address; the old one no longer works.")
        elif action == "cookies-clear":
            options.clear_cookies(channel.id)
            messages.success(request, f"Cookies of {channel} removed.")
        elif action == "interval":
            channel.sync_interval_hours = services.validate_interval(request.POST.get("sync_interval_hours"))
            channel.save()
            messages.success(request, f"{channel} now syncs every {channel.sync_interval_hours:g} h.")
        else:
            raise UserError(f"Unknown action {action}.")
    except UserError as exc:
        messages.error(request, str(exc))
    if request.POST.get("next"):
        return redirect(_safe_next(request.POST["next"]))
    return redirect("web-channel", channel_id=channel.id)


def _heights(channel: Channel) -> list[int]:
    """The heights the options form offers, the channel's own among them (the API takes any)."""
    return sorted({*download_profile.HEIGHTS, *([channel.max_height] if channel.max_height else [])})


_TEXT_OPTIONS = ("container", "audio_only", "tabs", "skip_keywords", "sponsorblock_mark", "sponsorblock_remove",
                 "extractor_args", "notify_urls", "download_order")


def _save_options(request, channel: Channel) -> None:
    """The options form, validated exactly as the API validates a PATCH."""
    from channels_app.api import OPTION_FIELDS, ChannelSerializer
    from config.api_errors import describe

    data = {}
    for name in OPTION_FIELDS:
        value = request.POST.get(name, "").strip()
        data[name] = value if name in _TEXT_OPTIONS else (value or None)
    serializer = ChannelSerializer(channel, data=data, partial=True)
    if not serializer.is_valid():
        raise UserError(describe(serializer.errors))
    serializer.save()
    messages.success(request, f"Download options of {channel} saved; they apply to downloads queued from now on.")


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@login_required
def channel_remove(request, channel_id: str):
    channel = get_object_or_404(Channel, pk=channel_id)
    size = Video.objects.filter(channel=channel).aggregate(n=Sum("size_bytes"))["n"] or 0
    if request.method == "POST":
        staff_only(request)
        delete_files = request.POST.get("delete_files") == "on"
        services.delete_channel(channel, delete_files=delete_files)
        messages.success(request, f"Removed {channel}. " + ("Its files were deleted." if delete_files
                                                            else "Its files stay in the archive."))
        return redirect("/")
    return render(request, "web/remove.html", {"channel": channel, "size": size})


@login_required
def channel_page(request, channel_id: str):
    channel = get_object_or_404(Channel, pk=channel_id)
    videos = Video.objects.filter(channel=channel).order_by("-upload_date", "-id")
    query, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    if query:
        videos = videos.filter(title__icontains=query)
    if status in [str(s) for s in STORED_VIDEO_STATUSES]:
        videos = videos.filter(status=status)
    page = Paginator(videos, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/channel.html", {
        "channel": channel, "page": page, "q": query, "status": status,
        "statuses": [str(s) for s in STORED_VIDEO_STATUSES],
        "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "profile": settings.YTARCHIVE["PROFILE"], "heights": _heights(channel),
        "containers": download_profile.CONTAINERS, "audio_formats": download_profile.AUDIO_FORMATS,
        "cookies_used": options.cookies_state(channel), "sponsor_categories": download_profile.SPONSOR_CATEGORIES,
        "feed_url": feeds.feed_url(request, channel),
    })


@login_required
def video_page(request, channel_id: str, video_id: str):
    video = get_object_or_404(Video.objects.select_related("channel"), channel_id=channel_id, video_id=video_id)
    folder = tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id)
    description = ""
    try:
        description = json.loads((folder / tree.INFO_FILE).read_text()).get("description") or ""
    except (OSError, ValueError):
        pass
    tracks = [{"lang": lang, "src": f"/media/{channel_id}/{video_id}/subtitles/{lang}.vtt"}
              for lang in video.subtitles if (folder / "subtitles" / f"{lang}.vtt").is_file()]
    playable = video.status == VideoStatus.ARCHIVED and video.video_file and (folder / video.video_file).is_file()
    return render(request, "web/video.html", {
        "video": video, "description": description, "tracks": tracks, "playable": playable,
        "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "has_thumbnail": (folder / "thumbnail.jpg").is_file(),
        "changes": history.timeline(video),
    })


@login_required
def media_file(request, channel_id: str, video_id: str, name: str):
    return media.serve(request, channel_id, video_id, name)
