"""The web app's catalog pages: channels, one channel, one video, archived media, login.

Views are glue over the same services as the REST API (channels_app.services,
channels_app.progress): same validation, same messages. Reading needs an
account; changing needs an editor (tokens_app.roles), checked here on every POST whatever the page showed.
"""
from __future__ import annotations

import copy
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from archiver import channel_options, cookies, tree
from archiver.errors import UserError
from archiver.state import login_throttle, store
from archiver.vocabulary import STORED_VIDEO_STATUSES, VideoStatus
from channels_app import channel_cookies, history, services, status_counts
from channels_app.models import Channel, Video
from front_app import feeds
from front_app.http.client_address import client_address
from front_app.media import files as media
from front_app.pages import library, live_grid, playlists, video_comments, video_grid
from front_app.pages.buttons import safe_next, staff_only
from front_app.pages.track_labels import track_label
from front_app.paging import CountedPaginator

PAGE_SIZE = 48
CHANNELS_PER_PAGE = 50
RECENT_SHELF = 12
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


def _newest_upload(channel_ids) -> dict[str, str]:
    """channel id -> the upload day (YYYYMMDD) of its newest video, read off the (channel, upload_date, id)
    index: one query for the page."""
    newest = Video.objects.filter(channel_id=OuterRef("pk")).exclude(upload_date="").order_by(
        "-upload_date", "-id").values("upload_date")[:1]
    return {cid: day for cid, day in Channel.objects.filter(pk__in=list(channel_ids)).annotate(
        newest=Subquery(newest)).values_list("id", "newest") if day}


def _thumbnail(channel_id: str, video_id: str | None) -> str | None:
    if video_id and tree.thumbnail_file(tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id)).is_file():
        return f"/media/{channel_id}/{video_id}/thumbnail.jpg"
    return None


def _poster(channel_id: str) -> str | None:
    """The address of the channel's archived avatar (poster.jpg, written with its tvshow.nfo), if it has one."""
    return f"/channels/{channel_id}/poster.jpg" if tree.poster_path(settings.ARCHIVE_ROOT, channel_id).is_file() \
        else None


def _banner(channel_id: str) -> str | None:
    """The address of the channel's archived banner (banner.jpg, written by a sync), if it has one."""
    return f"/channels/{channel_id}/banner.jpg" if tree.banner_path(settings.ARCHIVE_ROOT, channel_id).is_file() \
        else None


def _recent_videos():
    """The shelf of the newest archived videos across channels (by upload day, off the catalog's index)."""
    return list(Video.objects.filter(status=VideoStatus.ARCHIVED).select_related("channel").order_by(
        "-upload_date", "-id")[:RECENT_SHELF])


@login_required
def channel_list(request):
    return _channel_list(request)


def _channel_list(request, add_form: dict | None = None, status: int = 200):
    """The library: the channels as artwork cards, CHANNELS_PER_PAGE at a time, with their counts, and a shelf of
    recent videos. A few queries whatever the catalog's size (the page of channels, their StatusCount rows,
    their newest archived and newest listed videos, the shelf), never a count over the videos; a page renders
    its own cards only, so a thousand channels cost what fifty do."""
    page = Paginator(Channel.objects.order_by("title", "id"), CHANNELS_PER_PAGE).get_page(request.GET.get("page"))
    channels = list(page)
    ids = [c.id for c in channels]
    counts, newest, newest_day = status_counts.by_channel(ids), _latest_archived(ids), _newest_upload(ids)
    rows = []
    for channel in channels:
        next_sync = (channel.last_synced_at + timedelta(hours=channel.sync_interval_hours)
                     if channel.enabled and channel.last_synced_at else None)
        mine = counts[channel.id]
        channel.video_total, channel.archived_bytes = mine["total"], mine["archived_bytes"]
        rows.append({"channel": channel, "thumbnail": _thumbnail(channel.id, newest.get(channel.id)),
                     "poster": _poster(channel.id), "banner": _banner(channel.id),
                     "newest_day": newest_day.get(channel.id, ""),
                     "next_sync": next_sync,
                     "counts": [(str(s), mine["counts"][str(s)]) for s in STORED_VIDEO_STATUSES
                                if mine["counts"][str(s)]]})
    mine = library.list_context(request, ids, {c: counts[c]["counts"][str(VideoStatus.ARCHIVED)] for c in ids})
    for row in rows:
        row["new"] = mine["new_counts"].get(row["channel"].id, 0)
    return render(request, "web/channels.html", {"rows": rows, "page": page, "add_form": add_form or {},
                                                  "add_channel_open": bool(add_form),
                                                  "recent": _recent_videos() if page.number == 1 else [],
                                                  "statuses": [str(s) for s in VideoStatus], **mine},
                  status=status)


@login_required
def channel_poster(request, channel_id: str):
    """The channel's avatar for its card and page; 404 when none was archived."""
    return media.serve_poster(request, channel_id)


@login_required
def channel_banner(request, channel_id: str):
    """The channel's banner for its card and page; 404 when none was archived."""
    return media.serve_banner(request, channel_id)


@login_required
@require_POST
def channel_add(request):
    """Add a channel and start its first sync at once; ticked "add paused", the channel waits (schedule paused)
    until Sync or Resume. On an error the form comes back with what was typed (``add_form``) and a 400."""
    staff_only(request)
    url = request.POST.get("url", "").strip()
    interval = request.POST.get("sync_interval_hours", "").strip()
    paused = request.POST.get("paused") in ("on", "true", "1")
    try:
        channel, _ = services.add_and_sync(url, services.validate_interval(interval) if interval else None,
                                           paused=paused, trigger="web")
    except UserError as exc:
        messages.error(request, str(exc))
        return _channel_list(request, {"url": url, "sync_interval_hours": interval, "paused": paused}, status=400)
    name = channel.title or channel.id
    if paused:
        messages.success(request, f"Added {name}, paused: press Sync (or Resume schedule) to start archiving it.")
    else:
        messages.success(request, f"Added {name}; its first sync has started.")
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
            errors = _save_options(request, channel)
            if errors is not None:  # the form again, as typed, with every field's error
                messages.error(request, errors[0])
                return channel_page(request, channel.id, shown=errors[1], http_status=400)
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
            if request.POST.get("confirm") != "yes":  # it breaks every subscribed podcast app: ask first
                return render(request, "web/feed_confirm.html", {"channel": channel,
                                                                 "feed_url": feeds.feed_url(request, channel)})
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


def _save_options(request, channel: Channel) -> tuple[str, Channel] | None:
    """The options form, validated exactly as the API validates a PATCH. Refused: every field's error in one
    sentence, and an unsaved copy of the channel holding what was typed (the form shows it again)."""
    from front_app.api.channels import OPTION_FIELDS, ChannelSerializer
    from front_app.http.api_errors import describe

    data = {}
    for name in OPTION_FIELDS:
        value = request.POST.get(name, "").strip()
        data[name] = value if name in _TEXT_OPTIONS else (value or None)
    serializer = ChannelSerializer(channel, data=data, partial=True)
    if not serializer.is_valid():
        shown = copy.copy(channel)
        for name, value in data.items():
            try:  # a valid value as the form compares it (720, not "720"); an invalid one as typed
                value = serializer.fields[name].run_validation(value)
            except (ValidationError, DjangoValidationError):
                pass
            setattr(shown, name, value)
        return describe(serializer.errors), shown
    serializer.save()
    messages.success(request, f"Download options of {channel} saved; they apply to downloads queued from now on.")
    return None


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
def channel_page(request, channel_id: str, shown: Channel | None = None, http_status: int = 200):
    """One channel; ``shown`` (from a refused options form) is the channel as typed, shown instead."""
    channel = shown or get_object_or_404(Channel, pk=channel_id)
    try:
        grid = video_grid.read(request.GET)
    except UserError as exc:
        return render(request, "web/error.html", {"code": 400, "headline": "That view does not exist",
                                                  "detail": str(exc), "back": f"/channels/{channel.id}/"},
                      status=400)
    videos = video_grid.apply(Video.objects.filter(channel=channel), grid)
    videos, mine = library.channel_videos(request, channel, videos)
    known = None if grid.q or grid.status == video_grid.DAMAGED or mine["watched"] \
        else _known_count(channel.id, grid.status)
    page = CountedPaginator(videos, PAGE_SIZE, known_count=known).get_page(request.GET.get("page"))
    return render(request, "web/channel.html", {
        **mine, "watched_ids": library.page_watched_ids(request, page),
        "channel": channel, "page": page, "q": grid.q, "status": grid.status, "grid": grid,
        "statuses": video_grid.STATUSES, "sorts": video_grid.sort_choices(),
        "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "profile": settings.YTARCHIVE["PROFILE"], "heights": _heights(channel),
        "containers": channel_options.CONTAINERS, "audio_formats": channel_options.AUDIO_FORMATS,
        "cookies_used": channel_cookies.cookies_state(channel),
        "sponsor_categories": channel_options.SPONSOR_CATEGORIES, "comment_modes": channel_options.COMMENT_MODES,
        "feed_url": feeds.feed_url(request, channel), "options_refused": shown is not None,
        "has_poster": tree.poster_path(settings.ARCHIVE_ROOT, channel.id).is_file(), "banner": _banner(channel.id),
        **playlists.channel_context(channel),
        **live_grid.page_context(channel, page, grid.q, narrowed=not grid.is_default_order or bool(mine["watched"])
                                 or grid.status == video_grid.DAMAGED),
    }, status=http_status)


def _known_count(channel_id: str, status: str) -> int:
    """The channel's videos (of one status, if given) from its StatusCount rows: no COUNT over its videos."""
    counts = status_counts.of_channel(channel_id)
    return counts.get(status, 0) if status in counts else sum(counts.values())


@login_required
def video_page(request, channel_id: str, video_id: str):
    """One video: everything shown comes from its row (the description stored with its outcome), never from
    its info.json; only the player's chapters are read from there (library_app.chapters, once per file)."""
    video = get_object_or_404(Video.objects.select_related("channel"), channel_id=channel_id, video_id=video_id)
    folder = tree.video_dir(settings.ARCHIVE_ROOT, channel_id, video_id)
    description = video.description
    tracks = [{"lang": lang, "src": f"/media/{channel_id}/{video_id}/subtitles/{lang}.vtt", **track_label(lang)}
              for lang in video.subtitles if tree.subtitle_file(folder, lang).is_file()]
    try:
        comments = video_comments.context(request, video)
    except UserError as exc:
        return render(request, "web/error.html", {"code": 400, "headline": "That page of comments does not exist",
                                                  "detail": str(exc), "back": request.path}, status=400)
    playable = (video.status == VideoStatus.ARCHIVED and video.video_file
                and tree.folder_file(folder, video.video_file).is_file())
    # The video file's own size (size_bytes is the whole folder's: subtitles, thumbnail, comments too).
    file_size = tree.folder_file(folder, video.video_file).stat().st_size if playable else None
    return render(request, "web/video.html", {
        "video": video, "description": description, "tracks": tracks, "playable": playable, "file_size": file_size,
        "max_attempts": settings.YTARCHIVE["DOWNLOAD_RETRIES"] + 1,
        "has_thumbnail": tree.thumbnail_file(folder).is_file(),
        "changes": history.timeline(video), **library.video_context(request, video, playable), **comments,
        **playlists.video_context(request, video),
    })


@login_required
def media_file(request, channel_id: str, video_id: str, name: str):
    return media.serve(request, channel_id, video_id, name)
