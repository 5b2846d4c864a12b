"""The pure parts of issue 14: NFO documents, the archive's modes, Apprise URL checks."""
from __future__ import annotations

import stat
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ImproperlyConfigured

from archiver import nfo, tree
from archiver.errors import UserError

HOSTILE = "Weird \"double\" & 'single' </title><script>x</script> 🎬"


def test_a_video_nfo_carries_what_media_servers_show_and_escapes_anything():
    doc = ET.fromstring(nfo.video_nfo({"id": "abc", "title": HOSTILE, "description": "Line 1\n<b>2</b>",
                                       "upload_date": "20240229", "duration": 125, "channel": "Chan & Co",
                                       "extractor_key": "Youtube", "webpage_url": "https://example.org/w?v=abc"}))
    assert doc.tag == "episodedetails" and doc.findtext("title") == HOSTILE
    assert (doc.findtext("aired"), doc.findtext("year"), doc.findtext("runtime")) == ("2024-02-29", "2024", "2")
    assert doc.findtext("studio") == "Chan & Co" and doc.findtext("plot") == "Line 1\n<b>2</b>"
    assert doc.findtext("thumb") == "thumbnail.jpg"
    assert doc.find("uniqueid").get("type") == "youtube" and doc.findtext("uniqueid") == "abc"
    assert doc.find("trailer") is None  # Kodi plays a trailer: the watch page is none


def test_a_show_nfo_has_no_trailer():
    assert ET.fromstring(nfo.show_nfo({"id": "c", "url": "https://example.org/c"})).find("trailer") is None


def test_a_video_nfo_leaves_out_what_is_unknown():
    doc = ET.fromstring(nfo.video_nfo({"id": "x", "upload_date": "NA", "duration": None}))
    assert doc.findtext("title") == "x" and doc.find("aired") is None and doc.find("runtime") is None


def test_a_show_nfo_names_its_poster_only_when_there_is_one():
    with_poster = ET.fromstring(nfo.show_nfo({"id": "c", "title": HOSTILE, "poster": True}))
    assert with_poster.findtext("title") == HOSTILE and with_poster.findtext("thumb") == "poster.jpg"
    assert ET.fromstring(nfo.show_nfo({"id": "c"})).find("thumb") is None


def test_the_archive_modes_apply_to_what_the_tree_writes_whatever_the_umask(tmp_path):
    import os

    old = os.umask(0o077)
    try:
        tree.write_json_atomic(tmp_path / "a" / "b" / "x.json", {"k": 1})
        temp = tree.make_temp_video_dir(tmp_path, "chan", "vid")
        (temp / "video.mp4").write_bytes(b"x")
        (temp / "subtitles").mkdir()
        (temp / "subtitles" / "en.vtt").write_text("WEBVTT\n")
        final = tree.video_dir(tmp_path, "chan", "vid")
        assert tree.publish_video_dir(temp, final)
    finally:
        os.umask(old)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in tmp_path.rglob("*")}
    assert modes["a"] == modes["a/b"] == modes["chan/videos"] == modes["chan/videos/vid/subtitles"] == 0o755
    assert modes["a/b/x.json"] == modes["chan/videos/vid/video.mp4"] == modes["chan/videos/vid/subtitles/en.vtt"] \
        == 0o644


def test_modes_can_be_narrowed(tmp_path):
    tree.set_modes(0o640, 0o750)
    try:
        tree.write_json_atomic(tmp_path / "d" / "x.json", {})
        assert stat.S_IMODE((tmp_path / "d" / "x.json").stat().st_mode) == 0o640
        assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o750
    finally:
        tree.set_modes(0o644, 0o755)


@pytest.mark.parametrize("raw, value", [("0644", 0o644), ("640", 0o640), ("0o600", 0o600)])
def test_modes_from_the_environment(monkeypatch, raw, value):
    from config.env import env_mode

    monkeypatch.setenv("YTARCHIVE_FILE_MODE", raw)
    assert env_mode("YTARCHIVE_FILE_MODE", 0o644) == value


@pytest.mark.parametrize("raw", ["rw-r--r--", "999", "0444", "01777"])
def test_a_mode_the_owner_cannot_write_or_that_is_not_one_is_refused(monkeypatch, raw):
    from config.env import env_mode

    monkeypatch.setenv("YTARCHIVE_FILE_MODE", raw)
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_FILE_MODE"):
        env_mode("YTARCHIVE_FILE_MODE", 0o644)


def test_apprise_urls_are_checked_and_split():
    from channels_app.notify import parse_urls

    assert parse_urls("json://127.0.0.1:9/a, ntfy://ntfy.sh/topic\nmailto://u:p@example.org") == [
        "json://127.0.0.1:9/a", "ntfy://ntfy.sh/topic", "mailto://u:p@example.org"]
    assert parse_urls("") == []
    with pytest.raises(UserError, match="nosuch://"):
        parse_urls("nosuch://x")


def test_a_notification_nobody_takes_is_reported_as_not_delivered(settings):
    from channels_app.notify import send

    settings.YTARCHIVE = {**settings.YTARCHIVE, "NOTIFY_URLS": ["json://127.0.0.1:1/nobody"]}
    assert send(["global"], "t", "b") is False  # the task then retries, and gives up logged
