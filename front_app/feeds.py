"""Podcast feeds: an RSS 2.0 feed per channel, and an OPML of them all.

Podcast apps cannot log in, so a feed and its files are reached with a secret
token per channel, in the query string (``/feeds/{channel}.xml?token=…``);
without it, or with an old one after a rotation, the answer is 404 as for a
feed that does not exist. The enclosures are the archived files themselves
(``/feeds/{channel}/{token}/{video}/video.mp4``: the token in the path, so the
address still ends in the file's name, as podcast apps and feed readers expect),
served with Range like the
web app's media, so an app can seek and resume. The XML is written by feedgen
(with its podcast extension), never by string pasting.

A feed is made from the database alone (one query for its videos; descriptions are stored on each
video with its outcome, ``manage.py backfill_descriptions`` fills older rows once): it never opens an
info.json, so a request costs its items, not their files.
"""
from __future__ import annotations

import hmac
import mimetypes
import secrets
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.encoding import iri_to_uri
from feedgen.feed import FeedGenerator

from archiver import tree
from archiver.upstream_text import xml_text
from archiver.vocabulary import VideoStatus
from channels_app.models import Channel, Video
from front_app.media import files as media

MAX_ITEMS = 500  # the newest; a podcast app never needs the whole back catalogue at once
_AUDIO = {".m4a": "audio/mp4", ".opus": "audio/ogg", ".mp3": "audio/mpeg"}


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


def feed(request, channel_id: str) -> HttpResponse:
    channel = _check(request, channel_id)
    token = urlencode({"token": channel.feed_token})

    files = request.build_absolute_uri(f"/feeds/{channel.id}/{channel.feed_token}/")  # once, not per item

    def file_url(video_id: str, name: str) -> str:
        return iri_to_uri(f"{files}{video_id}/{name}")

    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(xml_text(channel.title) or channel.id)
    fg.link(href=request.build_absolute_uri(f"/feeds/{channel.id}.xml?{token}"), rel="self")
    fg.link(href=channel.url, rel="alternate")  # set last: RSS's <link> is the channel's own page
    fg.description(xml_text(channel.description)
                   or f"Videos of {xml_text(channel.title) or channel.id}, archived by ytarchive.")
    fg.generator("ytarchive")
    fg.podcast.itunes_author(xml_text(channel.uploader or channel.title) or channel.id)
    if tree.poster_path(settings.ARCHIVE_ROOT, channel.id).is_file():
        poster = request.build_absolute_uri(f"/feeds/{channel.id}/{channel.feed_token}/poster.jpg")
        fg.podcast.itunes_image(poster)
        fg.image(poster, xml_text(channel.title) or channel.id, channel.url)
    videos = (Video.objects.filter(channel=channel, status=VideoStatus.ARCHIVED).exclude(video_file="")
              .order_by("-upload_date", "-id")
              .only("channel_id", "video_id", "title", "url", "description", "upload_date", "archived_at",
                    "video_file", "duration")[:MAX_ITEMS])  # read off the (channel, status, upload_date, id) index
    for video in reversed(list(videos)):  # feedgen puts the last added first
        entry = fg.add_entry()
        entry.guid(f"{channel.id}/{video.video_id}", permalink=False)
        entry.title(xml_text(video.title) or video.video_id)
        if video.url:
            entry.link(href=video.url)
        entry.description(xml_text(video.description or video.title) or video.video_id)
        entry.published(_published(video))
        suffix = "." + video.video_file.rsplit(".", 1)[-1]
        kind = _AUDIO.get(suffix) or media.TYPES.get(suffix) or mimetypes.guess_type(video.video_file)[0]
        entry.enclosure(file_url(video.video_id, video.video_file), str(_file_size(video)),
                        kind or "application/octet-stream")
        if video.duration:
            entry.podcast.itunes_duration(int(video.duration))
        entry.podcast.itunes_image(file_url(video.video_id, tree.THUMBNAIL_FILE))
    return HttpResponse(fg.rss_str(pretty=True), content_type="application/rss+xml; charset=utf-8")


def feed_file(request, channel_id: str, token: str, video_id: str, name: str):
    """An enclosure or image of a feed, with Range; 404 without the feed's token."""
    channel = _check(request, channel_id, token)
    return media.serve(request, channel.id, video_id, name)


def feed_poster(request, channel_id: str, token: str):
    """The channel's poster.jpg, the feed's image; 404 without the feed's token."""
    return media.serve_poster(request, _check(request, channel_id, token).id)


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
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed_url(request, channel),
                      htmlUrl=channel.url)
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
    response = HttpResponse(text, content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ytarchive.opml"'
    return response


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
