"""A channel's playlists kept in the catalog and the archive (issue 26): refreshed after each sync, and for
playlist URLs added to the channel.

After a sync succeeds, ``channels_app.tasks.refresh_playlists`` (the syncs lane) lists the channel's
playlists tab and every playlist in it, plus the playlists added by URL, through yt-dlp
(archiver.ytdlp.playlists) with the sync's own egress identity and listing budget; it stores their entries
in order (``Playlist``, ``PlaylistEntry``), writes ``playlists/{playlist_id}.json`` (archiver.playlist_file)
and sends ``archive_events.playlists_written``. A playlist gone from the tab (or whose URL is gone for
good) is kept and marked ``removed_upstream_at``, its file left as it was. Nothing here can fail a sync:
it runs after it, on its own, and a playlist that cannot be read keeps what it had.
"""
from __future__ import annotations

import dataclasses
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from archiver import cookies, egress, playlist_file, urls
from archiver.egress import Pool
from archiver.errors import UserError
from archiver.state import egress as egress_state
from archiver.state import store
from archiver.ytdlp import params
from archiver.ytdlp import playlists as ytdlp_playlists
from channels_app import archive_events
from channels_app.channel_cookies import channel_cookies
from channels_app.models import Channel, Playlist, PlaylistEntry
from channels_app.options import channel_profile
from channels_app.services import listing_options

log = logging.getLogger(__name__)


#: Entries an "add playlist" lists within its request (a few pages); the rest comes with the refresh task.
ADD_ENTRIES = 200


def max_entries() -> int:
    return settings.YTARCHIVE["PLAYLIST_MAX_ENTRIES"]


def refresh_channel(channel_id: str, playlist_ids: list[str] | None = None) -> list[str]:
    """List the channel's playlists (its tab, and those added by URL; only ``playlist_ids`` when given),
    store and write them; the ids written. A channel deleted meanwhile is left alone."""
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return []
    written: list[str] = []
    try:
        _refresh(channel, playlist_ids, written)
    except egress.NoIdentity as exc:  # the site's budget is spent or it paused us: the next sync tries again
        log.info("playlists of %s not refreshed now: %s", channel.id, exc)
    except ytdlp_playlists.ListingFailed as exc:  # refused (the identity is tripped): the rest stays as it was
        log.warning("playlists of %s not all refreshed: the site refused us: %s", channel.id, str(exc)[:300])
    announce(channel.id, written)
    return written


def _refresh(channel: Channel, playlist_ids: list[str] | None, written: list[str]) -> None:
    """Refresh under one egress identity; each playlist written is added to ``written`` as it is."""
    with cookies.private_copy(channel_cookies(channel)) as cookiefile:
        options = dataclasses.replace(listing_options(channel), profile=channel_profile(channel),
                                      cookiefile=str(cookiefile or ""))
        # The sync's way out: an egress identity unpaused for the site, counted in its listing window.
        with egress.reading(store.connect(settings.REDIS_URL), Pool.from_settings(settings.YTARCHIVE), channel.url,
                            kind=egress_state.LISTING, lease_seconds=3600) as identity:
            options = dataclasses.replace(options, **identity.ytdlp_params())
            if playlist_ids is None:
                _refresh_tab(channel, options)
            # The tab's that it still lists, and every one added by URL (one gone may come back).
            wanted = Playlist.objects.filter(Q(removed_upstream_at__isnull=True) | Q(source=Playlist.ADDED),
                                             channel=channel)
            if playlist_ids is not None:
                wanted = wanted.filter(playlist_id__in=playlist_ids)
            for playlist in wanted.order_by("position", "id"):
                if _refresh_one(playlist, options):
                    written.append(playlist.playlist_id)


def _refresh_tab(channel: Channel, options: params.Options) -> None:
    """The playlists tab's playlists, in its order; those it no longer lists marked, never deleted."""
    try:
        urls.check_public(channel.url, settings.YTARCHIVE["ALLOW_PRIVATE_URLS"])
        refs = ytdlp_playlists.list_channel_playlists(channel.url, options)
    except ytdlp_playlists.ListingFailed as exc:
        if exc.blocked:
            raise  # through egress.reading, which trips the identity the site refused
        log.warning("playlists tab of %s not listed: %s", channel.id, str(exc)[:300])
        return
    except UserError as exc:
        log.warning("playlists tab of %s not listed: %s", channel.id, str(exc)[:300])
        return
    if refs is None:  # a URL without tabs (a playlist, a feed): only added playlists
        return
    now = timezone.now()
    listed = {ref.playlist_id for ref in refs}
    with transaction.atomic():
        for position, ref in enumerate(refs, start=1):
            playlist, created = Playlist.objects.get_or_create(
                channel=channel, playlist_id=ref.playlist_id,
                defaults={"title": ref.title, "url": ref.url, "position": position, "source": Playlist.TAB})
            if not created:
                Playlist.objects.filter(pk=playlist.pk).update(
                    title=ref.title or playlist.title, url=ref.url, position=position, source=Playlist.TAB,
                    removed_upstream_at=None)
        gone = Playlist.objects.filter(channel=channel, source=Playlist.TAB, removed_upstream_at__isnull=True) \
            .exclude(playlist_id__in=listed)
        for playlist_id in gone.values_list("playlist_id", flat=True):
            log.info("playlist %s of %s gone from its tab: kept, marked removed upstream", playlist_id, channel.id)
        gone.update(removed_upstream_at=now)


def _refresh_one(playlist: Playlist, options: params.Options) -> bool:
    """Read one playlist and store it; False when it could not be read (what it had stays)."""
    try:
        urls.check_public(playlist.url, settings.YTARCHIVE["ALLOW_PRIVATE_URLS"])
        listed = ytdlp_playlists.list_playlist(playlist.url, max_entries(), options)
    except (UserError, ytdlp_playlists.ListingFailed) as exc:
        if getattr(exc, "blocked", False):
            raise  # through egress.reading, which trips the identity the site refused
        gone = getattr(exc, "permanent", False)
        log.warning("playlist %s of %s not listed%s: %s", playlist.playlist_id, playlist.channel_id,
                    " (gone upstream: kept, marked)" if gone else "", str(exc)[:300])
        if gone:
            Playlist.objects.filter(pk=playlist.pk).update(removed_upstream_at=timezone.now())
        return False
    store_listing(playlist, listed)
    return True


def store_listing(playlist: Playlist, listed: ytdlp_playlists.PlaylistListing) -> None:
    """The playlist's file written from ``listed``, then its entries replaced by ``listed``'s, in order (so a
    playlist the catalog says was listed has its file)."""
    now = timezone.now()
    playlist.title, playlist.description, playlist.updated_at = listed.title or playlist.title, listed.description, now
    write_file(playlist, listed.entries)
    with transaction.atomic():
        # One writer of a playlist at a time (a sync's refresh and an add of the same URL): the row locked first.
        Playlist.objects.select_for_update().filter(pk=playlist.pk).first()
        PlaylistEntry.objects.filter(playlist=playlist).delete()
        PlaylistEntry.objects.bulk_create(
            [PlaylistEntry(playlist=playlist, position=e.position, video_id=e.video_id[:64], title=e.title[:1000])
             for e in listed.entries], batch_size=1000)
        Playlist.objects.filter(pk=playlist.pk).update(
            title=playlist.title, description=playlist.description, entry_count=len(listed.entries),
            truncated=listed.truncated, updated_at=now, removed_upstream_at=None)
    playlist.refresh_from_db()


def write_file(playlist: Playlist, entries) -> None:
    playlist_file.write(settings.ARCHIVE_ROOT, playlist_file.PlaylistFile(
        id=playlist.playlist_id, title=playlist.title, channel_id=playlist.channel_id, url=playlist.url,
        description=playlist.description, updated_at=(playlist.updated_at or timezone.now()).isoformat(),
        entries=tuple(playlist_file.Entry(e.position, e.video_id, e.title) for e in entries)))


def announce(channel_id: str, playlist_ids: list[str]) -> None:
    """``playlists_written`` for what was written; a receiver's failure is logged, never raised here."""
    if not playlist_ids:
        return
    for receiver, result in archive_events.playlists_written.send_robust(
            sender=None, channel_id=channel_id, playlist_ids=list(playlist_ids)):
        if isinstance(result, Exception):
            log.warning("playlists_written receiver %s failed: %s", receiver, result)


def add_playlist(channel: Channel, url: str) -> tuple[Playlist, bool]:
    """A playlist URL added to the channel: checked by listing it (UserError says why not), stored and written
    at once; ``(playlist, created)``. The same playlist again is refreshed, not doubled."""
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        raise UserError("Give a playlist's http(s) URL.")
    urls.check_public(url, settings.YTARCHIVE["ALLOW_PRIVATE_URLS"])
    # Within the request only its first pages: a longer playlist is listed whole by the refresh task.
    listed = ytdlp_playlists.check_playlist_url(url, min(ADD_ENTRIES, max_entries()), listing_options(channel))
    playlist, created = Playlist.objects.get_or_create(
        channel=channel, playlist_id=listed.playlist_id,
        defaults={"title": listed.title, "url": listed.url or url, "source": Playlist.ADDED})
    store_listing(playlist, listed)
    announce(channel.id, [playlist.playlist_id])
    if listed.truncated and max_entries() > ADD_ENTRIES:
        request_refresh(channel.id, [playlist.playlist_id])
    playlist.refresh_from_db()
    return playlist, created


def request_refresh(channel_id: str, playlist_ids: list[str] | None = None) -> None:
    """Ask for the channel's playlists (or only ``playlist_ids``) to be refreshed; a broker away is logged,
    not raised (the next sync asks again)."""
    from celery import current_app

    from archiver import task_names

    try:
        current_app.send_task(task_names.REFRESH_PLAYLISTS, args=[channel_id, playlist_ids], retry=False)
    except Exception as exc:
        log.warning("playlists refresh of %s not asked for: %s", channel_id, exc)


@dataclasses.dataclass(frozen=True)
class ShownEntry:
    """A playlist's entry as pages and the API show it: the video's catalog row when the archive knows it."""

    position: int
    video_id: str
    title: str
    status: str  # the catalog's status, or "unknown" when no channel of the archive listed it
    channel_id: str  # whose video it is in the catalog ("" when unknown)
    pk: int | None  # its API id
    archived: bool

    @property
    def known(self) -> bool:
        """Whether any channel of the archive lists the video (pages say "not in the archive" otherwise)."""
        return self.status != UNKNOWN


UNKNOWN = "unknown"


def shown_entries(playlist: Playlist) -> list[ShownEntry]:
    """The playlist's entries in order, each with its video's status: the playlist's own channel's row first,
    another channel's when only it has the video (a playlist may hold anyone's videos). Two queries."""
    from archiver.vocabulary import VideoStatus
    from channels_app.models import Video

    entries = list(playlist.entries.order_by("position").values_list("position", "video_id", "title"))
    rows: dict[str, tuple] = {}
    ids = sorted({vid for _, vid, _ in entries})
    for start in range(0, len(ids), 900):  # within SQLite's bound on a statement's parameters
        for pk, channel_id, video_id, status, title in (
                Video.objects.filter(video_id__in=ids[start:start + 900])
                .values_list("pk", "channel_id", "video_id", "status", "title")):
            if video_id not in rows or channel_id == playlist.channel_id:
                rows[video_id] = (pk, channel_id, status, title)
    shown = []
    for position, video_id, title in entries:
        pk, channel_id, status, known_title = rows.get(video_id, (None, "", UNKNOWN, ""))
        shown.append(ShownEntry(position, video_id, known_title or title, status, channel_id, pk,
                                status == VideoStatus.ARCHIVED))
    return shown
