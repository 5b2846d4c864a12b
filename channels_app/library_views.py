"""Keeps the media-server library views (archiver.library_view) in step with the archive (issue 26).

Connected to the archive's change signals (channels_app.archive_events) in ``ChannelsAppConfig.ready``:
a video published or renamed is (re)placed in its channel's view, one removed leaves it, a channel's
files (its name, tvshow.nfo, poster, banner, or its layout) rebuild the channel's part, and playlists
written become ``.m3u8`` files. A receiver never fails the sender's work: it logs and carries on, and
``manage.py build_library`` rebuilds any view from the archive.

The facts come from the catalog (titles, days, files) and the archive's own files; nothing is read from
a site. Views are off unless YTARCHIVE_LIBRARY_ROOT is set; a channel's view is its ``library_layout``
(YTARCHIVE_LIBRARY_LAYOUT when it has none of its own).
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.conf import settings

from archiver import playlist_file, tree
from archiver.library_view import layouts, plan
from archiver.library_view.builder import Changes, LibraryError, View
from archiver.vocabulary import VideoStatus
from channels_app import archive_events
from channels_app.models import Channel, Video
from channels_app.options import channel_profile

log = logging.getLogger(__name__)


def library_root() -> Path | None:
    return settings.YTARCHIVE.get("LIBRARY_ROOT")


def layout_of(channel: Channel) -> layouts.Layout | None:
    """The channel's view's layout; None when views are off for it (or altogether)."""
    if library_root() is None:
        return None
    try:
        return layouts.parse(channel_profile(channel).library_layout)
    except ValueError as exc:  # checked when saved; an old row or a changed rule: say so, show nothing
        log.warning("channel=%s: library layout ignored: %s", channel.id, exc)
        return None


def view_for(layout: layouts.Layout) -> View:
    return View(library_root(), layout, settings.YTARCHIVE["LIBRARY_LINKS"])


def every_view() -> list[View]:
    """Each view folder the library root holds (a layout a channel has, or had)."""
    root = library_root()
    if root is None or not Path(root).is_dir():
        return []
    found = []
    for name in (*layouts.SERVERS, layouts.CUSTOM_FOLDER):
        if (Path(root) / name).is_dir():
            layout = layouts.Layout(name, layouts.SERVERS.get(name, layouts.TEMPLATE_SERVER))
            found.append(view_for(layout))
    return found


def show_of(channel: Channel) -> plan.Show:
    root = settings.ARCHIVE_ROOT

    def existing(path: Path) -> Path | None:
        return path if path.is_file() else None

    return plan.Show(channel_id=channel.id, title=channel.title or channel.uploader or channel.id,
                     show_nfo=existing(tree.show_nfo_path(root, channel.id)),
                     poster=existing(tree.poster_path(root, channel.id)),
                     banner=existing(tree.banner_path(root, channel.id)))


def episode_of(channel: Channel, video: Video) -> plan.Episode | None:
    """The video as a view shows it; None when its folder or its media file is not in the archive."""
    folder = tree.video_dir(settings.ARCHIVE_ROOT, channel.id, video.video_id)
    media = tree.folder_file(folder, video.video_file) if video.video_file else None
    if media is None or not media.is_file():
        media = next((p for p in sorted(folder.glob(f"{tree.VIDEO_FILE_STEM}.*"))
                      if p.name not in (tree.INFO_FILE, tree.NFO_FILE) and p.is_file()), None)
    if media is None:
        return None
    thumbnail = tree.thumbnail_file(folder)
    tracks = {}
    for name in video.subtitles or []:
        lang, auto = tree.subtitle_track(str(name))
        path = tree.auto_subtitle_file(folder, lang) if auto else tree.subtitle_file(folder, lang)
        if path.is_file() and (not auto or lang not in tracks):  # a person's subtitles over the automatic ones
            tracks[lang] = path
    day = video.upload_date or (video.archived_at.strftime("%Y%m%d") if video.archived_at else "")
    return plan.Episode(video_id=video.video_id, title=video.title or video.video_id, upload_date=day,
                        media=media, duration=video.duration, description=video.description,
                        thumbnail=thumbnail if thumbnail.is_file() else None,
                        subtitles=tuple(sorted(tracks.items())), site=(channel.extractor or "site").lower()
                        .removesuffix("tab"))


def _playlists(channel_id: str) -> list:
    return playlist_file.read_all(settings.ARCHIVE_ROOT, channel_id)


def _others(channel_id: str, layout: layouts.Layout | None) -> list[View]:
    """The views that hold the channel but are not its view any more."""
    return [view for view in every_view() if view.has_channel(channel_id)
            and (layout is None or view.layout.folder != layout.folder)]


def rebuild(channel: Channel) -> Changes | None:
    """The channel's part of its view, from the archive (and of no other view); None when it has no view."""
    layout = layout_of(channel)
    for view in _others(channel.id, layout):
        view.drop(channel.id)
    if layout is None:
        return None
    archived = Video.objects.filter(channel=channel, status=VideoStatus.ARCHIVED).order_by("id")
    episodes = [e for e in (episode_of(channel, v) for v in archived.iterator()) if e is not None]
    return view_for(layout).update(show_of(channel), episodes, playlists=_playlists(channel.id), full=True)


def update_video(channel_id: str, video_id: str) -> Changes | None:
    """One video (re)placed in its channel's view, or taken out when it is not archived any more."""
    channel = Channel.objects.filter(pk=channel_id).first()
    layout = layout_of(channel) if channel is not None else None
    if layout is None:
        return remove_video(channel_id, video_id)
    view = view_for(layout)
    if not view.has_channel(channel_id):  # the first time (or after a layout change): the whole channel
        return rebuild(channel)
    video = Video.objects.filter(channel=channel, video_id=video_id).first()
    episode = episode_of(channel, video) if video is not None and video.status == VideoStatus.ARCHIVED else None
    if episode is None:
        return view.update(show_of(channel), [], removed=[video_id], playlists=_playlists(channel_id))
    return view.update(show_of(channel), [episode], playlists=_playlists(channel_id))


def remove_video(channel_id: str, video_id: str) -> None:
    """The video out of every view; a channel no longer in the catalog leaves them altogether."""
    gone = not Channel.objects.filter(pk=channel_id).exists()
    for view in every_view():
        if not view.has_channel(channel_id):
            continue
        if gone:
            view.drop(channel_id)
        else:
            channel = Channel.objects.get(pk=channel_id)
            view.update(show_of(channel), [], removed=[video_id], playlists=_playlists(channel_id))


def _never_raises(work):
    """A receiver: does its work, logs what failed, and never fails the sender."""
    @functools.wraps(work)
    def receiver(sender=None, **kwargs):
        if library_root() is None:
            return
        try:
            work(**kwargs)
        except LibraryError as exc:
            log.error("library view not updated (%s): %s", kwargs, exc)
        except Exception:
            log.exception("library view not updated (%s); manage.py build_library rebuilds it", kwargs)
    return receiver


@_never_raises
def _on_published(channel_id, video_id, **_):
    update_video(channel_id, video_id)


@_never_raises
def _on_removed(channel_id, video_id, **_):
    remove_video(channel_id, video_id)


@_never_raises
def _on_channel_files(channel_id, **_):
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        for view in every_view():
            view.drop(channel_id)
    else:
        rebuild(channel)


@_never_raises
def _on_playlists(channel_id, playlist_ids=(), **_):
    channel = Channel.objects.filter(pk=channel_id).first()
    layout = layout_of(channel) if channel is not None else None
    if layout is None:
        return
    view = view_for(layout)
    if not view.has_channel(channel_id):
        rebuild(channel)
    else:
        view.update(show_of(channel), [], playlists=_playlists(channel_id))


def connect() -> None:
    archive_events.video_published.connect(_on_published, dispatch_uid="library-views-published")
    archive_events.video_renamed.connect(_on_published, dispatch_uid="library-views-renamed")
    archive_events.video_removed.connect(_on_removed, dispatch_uid="library-views-removed")
    archive_events.channel_files_changed.connect(_on_channel_files, dispatch_uid="library-views-channel")
    archive_events.playlists_written.connect(_on_playlists, dispatch_uid="library-views-playlists")
