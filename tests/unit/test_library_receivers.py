"""Library views (issue 26), the receivers: the archive's change signals keep a channel's view in step,
a channel without a view gets none, and a view that cannot be written never fails the sender."""
from __future__ import annotations

import logging

import pytest
from django.utils import timezone

from archiver import tree
from archiver.vocabulary import VideoStatus
from channels_app import archive_events
from channels_app.models import Channel, Video


@pytest.fixture
def library(settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path / "archive"
    settings.YTARCHIVE = {**settings.YTARCHIVE, "LIBRARY_ROOT": tmp_path / "library", "LIBRARY_LINKS": "hard"}
    return tmp_path / "library"


def archived(channel: Channel, video_id: str, title: str) -> Video:
    folder = tree.video_dir(channel_root(), channel.id, video_id)
    (folder / "subtitles").mkdir(parents=True)
    (folder / "video.webm").write_bytes(b"media")
    (folder / "thumbnail.jpg").write_bytes(b"jpg")
    (folder / "subtitles" / "en.vtt").write_text("WEBVTT\n")
    return Video.objects.create(channel=channel, video_id=video_id, raw_id=video_id, url=f"https://x/{video_id}",
                                title=title, upload_date="20240228", status=VideoStatus.ARCHIVED,
                                video_file="video.webm", subtitles=["en"], archived_at=timezone.now())


def channel_root():
    from django.conf import settings

    return settings.ARCHIVE_ROOT


def media_in(library, layout):
    return sorted(p.relative_to(library / layout).as_posix() for p in (library / layout).rglob("*.webm"))


@pytest.mark.django_db
def test_signals_place_rename_and_remove_a_channels_videos(library):
    channel = Channel.objects.create(id="chan", url="https://x/c", title="Chan", extractor="Youtube",
                                     library_layout="kodi")
    video = archived(channel, "v1", "First")
    archive_events.video_published.send(sender=None, channel_id="chan", video_id="v1")
    assert media_in(library, "kodi") == ["Chan [chan]/Season 2024/Chan - S2024E022801 - First [v1].webm"]
    season = library / "kodi" / "Chan [chan]" / "Season 2024"
    assert (season / "Chan - S2024E022801 - First [v1].en.vtt").is_file()
    Video.objects.filter(pk=video.pk).update(title="Second thoughts")
    archive_events.video_renamed.send(sender=None, channel_id="chan", video_id="v1")
    assert media_in(library, "kodi") == ["Chan [chan]/Season 2024/Chan - S2024E022801 - Second thoughts [v1].webm"]
    assert not list(season.glob("*First*"))
    Channel.objects.filter(pk="chan").update(library_layout="emby")
    archive_events.channel_files_changed.send(sender=None, channel_id="chan")
    assert media_in(library, "kodi") == [] and len(media_in(library, "emby")) == 1
    Channel.objects.filter(pk="chan").delete()
    archive_events.video_removed.send(sender=None, channel_id="chan", video_id="v1")
    assert media_in(library, "emby") == []
    assert (tree.video_dir(channel_root(), "chan", "v1") / "video.webm").read_bytes() == b"media"  # the archive's


@pytest.mark.django_db
def test_a_channel_without_a_view_gets_none(library):
    channel = Channel.objects.create(id="quiet", url="https://x/q", title="Quiet")  # the global default: off
    archived(channel, "v1", "First")
    archive_events.video_published.send(sender=None, channel_id="quiet", video_id="v1")
    assert not library.exists()


@pytest.mark.django_db
def test_a_view_that_cannot_be_written_never_fails_the_sender(library, caplog):
    library.parent.mkdir(parents=True, exist_ok=True)
    library.write_text("a file where the library's folder should be")
    channel = Channel.objects.create(id="chan", url="https://x/c", title="Chan", library_layout="jellyfin")
    archived(channel, "v1", "First")
    with caplog.at_level(logging.ERROR, logger="channels_app.library_views"):
        archive_events.video_published.send(sender=None, channel_id="chan", video_id="v1")
    assert "library view not updated" in caplog.text and "build_library" in caplog.text


@pytest.mark.django_db
def test_build_library_rebuilds_drops_channels_gone_and_says_what_is_wrong(library, settings):
    import io

    from django.core.management import CommandError, call_command

    channel = Channel.objects.create(id="chan", url="https://x/c", title="Chan", library_layout="plex")
    archived(channel, "v1", "First")
    gone = Channel.objects.create(id="gone", url="https://x/g", title="Gone", library_layout="plex")
    archived(gone, "g1", "Old")
    out = io.StringIO()
    call_command("build_library", stdout=out)
    assert "chan: plex: 3 linked" in out.getvalue() and len(media_in(library, "plex")) == 2
    Channel.objects.filter(pk="gone").delete()  # behind the signals' back: the next rebuild finds it
    out = io.StringIO()
    call_command("build_library", "--layout", "plex", stdout=out)
    assert "chan: plex: 0 linked, 0 written, 0 removed" in out.getvalue()
    assert "gone: plex: gone from the catalog" in out.getvalue() and len(media_in(library, "plex")) == 1
    with pytest.raises(CommandError, match="no such channel: nope"):
        call_command("build_library", "--channel", "nope")
    settings.YTARCHIVE = {**settings.YTARCHIVE, "LIBRARY_ROOT": None}
    with pytest.raises(CommandError, match="set YTARCHIVE_LIBRARY_ROOT"):
        call_command("build_library")
