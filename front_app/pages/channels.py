"""The web app's catalog pages: channels, one channel, one video, archived media, login.

Views are glue over the same services as the REST API (channels_app.services,
channels_app.progress): same validation, same messages. Reading needs an
account; changing needs a staff account (front_app.http.permissions' rule), checked
here on every POST whatever the page showed.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from archiver import channel_options, cookies, tree
from archiver.errors import UserError
from archiver.state import login_throttle, store
from archiver.vocabulary import STORED_VIDEO_STATUSES, VideoStatus
from channels_app import channel_cookies, history, services, status_counts
from channels_app.models import Channel, Video
from front_app import feeds
from front_app.http.client_address import client_address
from front_app.media import files as media
from front_app.pages.buttons import safe_next, staff_only
from front_app.paging import CountedPaginator

PAGE_SIZE = 48
CHANNELS_PER_PAGE = 50
LOGIN_WINDOW_SECONDS = 300


def _redis():
    return store.connect(settings.REDIS_URL)


class ThrottledLoginView(auth_views.LoginView):
    """Django's login form, refused for a while after YTARCHIVE_LOGIN_ATTEMPTS failures per address and name.

    The address is the client's (front_app.http.client_address: behind YTARCHIVE_NUM_PROXIES proxies, the one they
    forwarded), so behind an ingress one client's failures do not lock everyone else out.
    """

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def _who(self) -> str:
        name = (self.request.POST.get("username") or "").strip().lower()[:150]
        return f"{client_address(self.request)}|{name}"

    def post(self, request, *args, **kwargs):
        if login_throttle.login_failures(_redis(), self._who()) >= settings.YTARCHIVE["LOGIN_ATTEMPTS"]:
            form = self.get_form()
            form.add_error(None, "Too many failed attempts: wait five minutes and try again.")
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(LOGIN_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        login_throttle.count_login_failure(_redis(), self._who(), LOGIN_WINDOW_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form):
        login_throttle.clear_login_failures(_redis(), self._who())
        return super().form_valid(form)


def _latest_archived(channel_ids) -> dict[str, str]:
    """channel id -> its newest archived video's id, for the channels given: one query, each channel's row
    read off the (channel, status, upload_date, id) index."""
    newest = Video.objects.filter(channel_id=OuterRef("pk"), status=VideoStatus.ARCHIVED).order_by(
        "-upload_date", "-id").values("video_id")[:1]
    return {cid: vid for cid, vid in Channel.objects.filter(pk__in=list(channel_ids)).annotate(
        newest=Subquery(newest)).values_list("id", "newest") if vid}


def _thumbnail(channel_id: str, video_id: str | None) -> str | None:
    if video_id and tree.thumbnail_file(tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id)).is_file():
        return f"/media/{channel_id}/{video_id}/thumbnail.jpg"
    return None


@login_required
def channel_list(request):
    """The channels, CHANNELS_PER_PAGE at a time, with their counts: a few queries whatever the catalog's size
    (the page of channels, their StatusCount rows, their newest archived videos), never a count over the videos;
    a page renders its own cards only, so a thousand channels cost what fifty do."""
    page = Paginator(Channel.objects.order_by("title", "id"), CHANNELS_PER_PAGE).get_page(request.GET.get("page"))
    channels = list(page)
    ids = [c.id for c in channels]
    counts, newest = status_counts.by_channel(ids), _latest_archived(ids)
    rows = []
    for channel in channels:
        next_sync = (channel.last_synced_at + timedelta(hours=channel.sync_interval_hours)
                     if channel.enabled and channel.last_synced_at else None)
        mine = counts[channel.id]
        channel.video_total, channel.archived_bytes = mine["total"], mine["archived_bytes"]
        rows.append({"channel": channel, "thumbnail": _thumbnail(channel.id, newest.get(channel.id)),
                     "next_sync": next_sync,
                     "counts": [(str(s), mine["counts"][str(s)]) for s in STORED_VIDEO_STATUSES
                                if mine["counts"][str(s)]]})
    return render(request, "web/channels.html", {"rows": rows, "page": page,
                                                  "statuses": [str(s) for s in VideoStatus]})


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
            channel_cookies.set_cookies(channel.id, upload.read(cookies.MAX_BYTES + 1))
            messages.success(request, f"Cookies of {channel} saved; downloads queued from now on use them.")
        elif action == "nfo":
            services.queue_nfo_files(channel)
            messages.success(request, f"The media-server files of {channel} are being written.")
        elif action == "feed-token":
            feeds.rotate_token(channel)
            messages.success(request, f"{channel} has a new feed address; the old one no longer works.")
        elif action == "cookies-clear":
            channel_cookies.clear_cookies(channel.id)
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
        return redirect(safe_next(request.POST["next"]))
    return redirect("web-channel", channel_id=channel.id)


def _heights(channel: Channel) -> list[int]:
    """The heights the options form offers, the channel's own among them (the API takes any)."""
    return sorted({*channel_options.HEIGHTS, *([channel.max_height] if channel.max_height else [])})


# Options the form sends as text ("" clears them); the others are numbers, days and yes/no (empty: None).
_TEXT_OPTIONS = (*(s.name for s in channel_options.SPECS if s.kind in ("choice", "list", "text")),
                 "notify_urls", "download_order")


def _save_options(request, channel: Channel) -> None:
    """The options form, validated exactly as the API validates a PATCH."""
    from front_app.api.channels import OPTION_FIELDS, ChannelSerializer
    from front_app.http.api_errors import describe

    data = {}
    for name in OPTION_FIELDS:
        value = request.POST.get(name, "").strip()
        data[name] = value if name in _TEXT_OPTIONS else (value or None)
    serializer = ChannelSerializer(channel, data=data, partial=True)
    if not serializer.is_valid():
        raise UserError(describe(serializer.errors))
    serializer.save()
    messages.success(request, f"Download options of {channel} saved; they apply to downloads queued from now on.")


@login_required
def channel_remove(request, channel_id: str):
    channel = get_object_or_404(Channel, pk=channel_id)
    size = status_counts.total_bytes(channel.id)
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
    page = CountedPaginator(videos, PAGE_SIZE, known_count=None if query else _known_count(channel.id, status))
    page = page.get_page(request.GET.get("page"))
    return render(request, "web/channel.html", {
        "channel": channel, "page": page, "q": query, "status": status,
        "statuses": [str(s) for s in STORED_VIDEO_STATUSES],
        "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "profile": settings.YTARCHIVE["PROFILE"], "heights": _heights(channel),
        "containers": channel_options.CONTAINERS, "audio_formats": channel_options.AUDIO_FORMATS,
        "cookies_used": channel_cookies.cookies_state(channel),
        "sponsor_categories": channel_options.SPONSOR_CATEGORIES,
        "feed_url": feeds.feed_url(request, channel),
    })


def _known_count(channel_id: str, status: str) -> int:
    """The channel's videos (of one status, if given) from its StatusCount rows: no COUNT over its videos."""
    counts = status_counts.of_channel(channel_id)
    return counts.get(status, 0) if status in counts else sum(counts.values())


@login_required
def video_page(request, channel_id: str, video_id: str):
    """One video: everything shown comes from its row (the description stored with its outcome), never from
    its info.json."""
    video = get_object_or_404(Video.objects.select_related("channel"), channel_id=channel_id, video_id=video_id)
    folder = tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id)
    description = video.description
    tracks = [{"lang": lang, "src": f"/media/{channel_id}/{video_id}/subtitles/{lang}.vtt"}
              for lang in video.subtitles if tree.subtitle_file(folder, lang).is_file()]
    playable = (video.status == VideoStatus.ARCHIVED and video.video_file
                and tree.folder_file(folder, video.video_file).is_file())
    return render(request, "web/video.html", {
        "video": video, "description": description, "tracks": tracks, "playable": playable,
        "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "has_thumbnail": tree.thumbnail_file(folder).is_file(),
        "changes": history.timeline(video),
    })


@login_required
def media_file(request, channel_id: str, video_id: str, name: str):
    return media.serve(request, channel_id, video_id, name)
