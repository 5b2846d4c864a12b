"""Podcast feeds: an RSS 2.0 feed per channel, and an OPML of them all.

Podcast apps cannot log in, so a feed and its files are reached with a secret
token per channel, in the query string (``/feeds/{channel}.xml?token=…``);
without it, or with an old one after a rotation, the answer is 404 as for a
feed that does not exist. The enclosures are the archived files themselves
(``/feeds/{channel}/{token}/{video}/{video}.mp4``: the token in the path, so the
address ends in a name of its own, which podcast apps and feed readers save the
episode under; ``…/video.mp4``, the name of earlier feeds, still answers),
served with Range, validators and If-Range like the web app's media, so an app
can seek and resume. The XML is written by feedgen (with its podcast extension
and front_app.feed_itunes), never by string pasting.

The channel carries what Apple Podcasts requires and recommends: ``<language>``,
``<itunes:category>``, ``<itunes:explicit>``, ``<itunes:owner>``,
``<itunes:type>episodic``, and ``<itunes:image>`` the channel's artwork
(archiver.podcast_art: its poster squared to 1400-3000 px); each item a stable
``<guid isPermaLink="false">``, the file's exact length and media type (an
audio-only channel's items are audio/mp4 or audio/ogg: an audio podcast),
``<itunes:duration>`` and its thumbnail. A feed answers conditional GETs
(front_app.conditional: a strong ETag of its bytes, Last-Modified).

A feed is made from the database alone (one query for its videos; descriptions are stored on each
video with its outcome, ``manage.py backfill_descriptions`` fills older rows once): it never opens an
info.json, so a request costs its items, not their files.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.encoding import iri_to_uri
from feedgen.feed import FeedGenerator

from archiver import podcast_art, tree
from archiver.upstream_text import xml_text
from archiver.vocabulary import VideoStatus
from channels_app.models import Channel, Video
from front_app import conditional
from front_app.feed_itunes import AppleChannelExtension
from front_app.media import files as media

MAX_ITEMS = 500  # the newest; a podcast app never needs the whole back catalogue at once
ARTWORK_FILE = "artwork.jpg"


def token_of(channel: Channel) -> str:
    """The channel's feed token, made on first use."""
    if not channel.feed_token:
        Channel.objects.filter(pk=channel.pk, feed_token="").update(feed_token=secrets.token_urlsafe(24))
        channel.refresh_from_db(fields=["feed_token"])
    return channel.feed_token


def ensure_tokens(channels) -> None:
    """Give a token to each of ``channels`` that has none, in one statement (an OPML or a channel list of
    new channels stays a constant number of queries)."""
    missing = [c for c in channels if not c.feed_token]
    for channel in missing:
        channel.feed_token = secrets.token_urlsafe(24)
    if missing:
        Channel.objects.bulk_update(missing, ["feed_token"])


def rotate_token(channel: Channel) -> str:
    """A new token: every address given out before stops working."""
    channel.feed_token = secrets.token_urlsafe(24)
    channel.save(update_fields=["feed_token", "updated_at"])
    return channel.feed_token


def feed_url(request, channel: Channel) -> str:
    return request.build_absolute_uri(f"/feeds/{channel.id}.xml?{urlencode({'token': token_of(channel)})}")


def _check(request, channel_id: str, given: str | None = None) -> Channel:
    channel = Channel.objects.filter(pk=channel_id).exclude(feed_token="").first()
    given = request.GET.get("token", "") if given is None else given
    if channel is None or not hmac.compare_digest(given.encode(), channel.feed_token.encode()):
        raise Http404("No such feed.")
    return channel


def enclosure_name(video: Video) -> str:
    """An enclosure's last path segment, ``{video_id}.{ext}``: unique in every app's download folder."""
    return f"{video.video_id}.{video.video_file.rsplit('.', 1)[-1]}"


def feed(request, channel_id: str) -> HttpResponse:
    channel = _check(request, channel_id)
    token = urlencode({"token": channel.feed_token})
    podcast = settings.YTARCHIVE["PODCAST"]

    files = request.build_absolute_uri(f"/feeds/{channel.id}/{channel.feed_token}/")  # once, not per item

    def file_url(video_id: str, name: str) -> str:
        return iri_to_uri(f"{files}{video_id}/{name}")

    name = xml_text(channel.title) or channel.id
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("apple", AppleChannelExtension, atom=False)
    fg.title(name)
    fg.link(href=request.build_absolute_uri(f"/feeds/{channel.id}.xml?{token}"), rel="self")
    fg.link(href=channel.url, rel="alternate")  # set last: RSS's <link> is the channel's own page
    fg.description(xml_text(channel.description) or f"Videos of {name}, archived by ytarchive.")
    fg.generator("ytarchive")
    fg.language(podcast["LANGUAGE"])
    category, subcategory = podcast["CATEGORY"]
    fg.podcast.itunes_category({"cat": category, **({"sub": subcategory} if subcategory else {})})
    fg.podcast.itunes_type("episodic")
    fg.podcast.itunes_author(xml_text(channel.uploader or channel.title) or channel.id)
    fg.apple.explicit(podcast["EXPLICIT"])
    fg.apple.owner(podcast["OWNER_NAME"] or xml_text(channel.uploader or channel.title) or channel.id,
                   podcast["OWNER_EMAIL"])
    videos = list(_feed_videos(channel).only(
        "channel_id", "video_id", "title", "url", "description", "upload_date", "archived_at", "updated_at",
        "video_file", "duration")[:MAX_ITEMS])
    changed = [channel.updated_at]
    art_source = podcast_art.source(settings.ARCHIVE_ROOT, channel.id, videos[0].video_id if videos else None)
    if art_source is not None:
        changed.append(datetime.fromtimestamp(art_source.stat().st_mtime, UTC))
        art = request.build_absolute_uri(f"/feeds/{channel.id}/{channel.feed_token}/{ARTWORK_FILE}")
        fg.podcast.itunes_image(art)
        fg.image(art, name, channel.url)
    for video in reversed(videos):  # feedgen puts the last added first
        entry = fg.add_entry()
        entry.guid(f"{channel.id}/{video.video_id}", permalink=False)
        entry.title(xml_text(video.title) or video.video_id)
        if video.url:
            entry.link(href=video.url)
        entry.description(xml_text(video.description or video.title) or video.video_id)
        entry.published(_published(video))
        entry.enclosure(file_url(video.video_id, enclosure_name(video)), str(_file_size(video)),
                        media.content_type(video.video_file))
        if video.duration:
            entry.podcast.itunes_duration(int(video.duration))
        entry.podcast.itunes_image(file_url(video.video_id, tree.THUMBNAIL_FILE))
        entry.podcast.itunes_episode_type("full")
        changed.append(video.updated_at)
    body = fg.rss_str(pretty=True)
    return conditional.answer(request, body, "application/rss+xml; charset=utf-8",
                              max(stamp for stamp in changed if stamp is not None))


def feed_file(request, channel_id: str, token: str, video_id: str, name: str):
    """An enclosure or image of a feed, with Range; 404 without the feed's token.

    ``{video_id}.{ext}`` is the enclosure (the feed's name); ``video.{ext}``, the name feeds gave before,
    still answers with the same file, so apps subscribed earlier keep downloading."""
    channel = _check(request, channel_id, token)
    if name.startswith(f"{video_id}.") and "/" not in name:
        name = f"{tree.VIDEO_FILE_STEM}.{name[len(video_id) + 1:]}"
    return media.serve(request, channel.id, video_id, name)


def feed_poster(request, channel_id: str, token: str):
    """The channel's poster.jpg, the feed's image before it had artwork; 404 without the feed's token."""
    return media.serve_poster(request, _check(request, channel_id, token).id)


def feed_artwork(request, channel_id: str, token: str):
    """The feed's artwork: the poster square, 1400-3000 px (archiver.podcast_art); 404 without the token."""
    channel = _check(request, channel_id, token)
    newest = _feed_videos(channel).values_list("video_id", flat=True).first()
    art = podcast_art.artwork(settings.ARCHIVE_ROOT, channel.id, newest)
    if art is None:  # nothing to make it from, or ffmpeg could not read it: the poster as it is, or 404
        return media.serve_poster(request, channel.id)
    return media.serve_path(request, art, f"{tree.APP_DIR}/{tree.PODCAST_ART_DIR}/{art.name}",
                            filename=f"{channel.id}.jpg")


def opml(request) -> HttpResponse:
    """Every channel's feed, for a podcast app's import."""
    from xml.etree import ElementTree as ET

    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "ytarchive feeds"
    ET.SubElement(head, "dateCreated").text = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(root, "body")
    channels = list(Channel.objects.order_by("title", "id"))
    ensure_tokens(channels)
    for channel in channels:
        name = xml_text(channel.title) or channel.id
        # htmlUrl before xmlUrl: podget's import takes the last URL attribute of an outline as the feed
        ET.SubElement(body, "outline", type="rss", text=name, title=name, htmlUrl=channel.url,
                      xmlUrl=feed_url(request, channel))
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    response = HttpResponse(text, content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ytarchive.opml"'
    return response


def _feed_videos(channel: Channel):
    """The feed's videos, newest first (read off the (channel, status, upload_date, id) index)."""
    return (Video.objects.filter(channel=channel, status=VideoStatus.ARCHIVED).exclude(video_file="")
            .order_by("-upload_date", "-id"))


def _file_size(video: Video) -> int:
    try:
        folder = tree.video_dir(settings.ARCHIVE_ROOT, video.channel_id, video.video_id)
        return tree.folder_file(folder, video.video_file).stat().st_size
    except OSError:
        return 0


def _published(video: Video) -> datetime:
    day = video.upload_date
    if len(day) == 8 and day.isdigit():
        return datetime(int(day[:4]), int(day[4:6]), int(day[6:]), tzinfo=UTC)
    return video.archived_at or datetime.now(UTC)
