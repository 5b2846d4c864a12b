"""Library views (issue 26), the pure parts: safe names, the template language, episode codes, and each
named layout's tree checked against the rules its media server documents (``RULES``, with the sources).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from archiver import channel_options
from archiver.library_view import episodes, layouts, names, plan
from archiver.library_view import template as tl

# Each server's documented names: what the file names must look like, and where each rule is written.
# ``stem`` is the video's file name without its extension; every sidecar is named after it.
RULES = {
    "jellyfin": {
        "show_folder": r"^.+$", "season_folder": r"^Season \d+$", "episode": r"S\d+E\d+",
        "episode_nfo": "{stem}.nfo", "thumb": "{stem}-thumb.jpg", "subtitle": "{stem}.{lang}.vtt",
        "show_files": {"tvshow.nfo", "poster.jpg", "fanart.jpg"}, "reserved": '<>:"/\\|?*',
        "sources": [
            "https://jellyfin.org/docs/general/server/media/shows/",  # series/Season NN/SxxEyy; reserved characters
            "https://jellyfin.org/docs/general/server/metadata/nfo/",  # tvshow.nfo; <filename of the episode>.nfo
            "https://jellyfin.org/docs/general/server/media/external-files/",  # subtitles: <file>.<lang>.<ext>
            # episode images <file>-thumb.jpg (and <file>.jpg); poster.jpg, fanart.jpg (backdrop) of a folder:
            "https://github.com/jellyfin/jellyfin/blob/master/MediaBrowser.LocalMetadata/Images/EpisodeLocalImageProvider.cs",
            "https://github.com/jellyfin/jellyfin/blob/master/MediaBrowser.LocalMetadata/Images/LocalImageProvider.cs",
        ]},
    "plex": {
        "show_folder": r"^.+$", "season_folder": r"^Season \d+$", "episode": r"[sS]\d+[eE]\d+",
        "episode_nfo": None, "thumb": "{stem}.jpg", "subtitle": "{stem}.{lang}.vtt",
        "show_files": {"poster.jpg", "fanart.jpg"}, "reserved": '<>:"/\\|?*',
        "sources": [
            # /TV Shows/Show/Season NN/Show - sNNeNN - info.ext; a year as the season number ("Season 2024")
            "https://support.plex.tv/articles/naming-and-organizing-your-tv-show-files/",
            # poster.jpg, fanart.jpg in the show's folder; an episode's thumbnail: the video's name, .jpg
            "https://support.plex.tv/articles/200220717-local-media-assets-tv-shows/",
            # subtitles beside the video: <file>.<lang>.<ext> (SRT, SMI, SSA/ASS, VTT)
            "https://support.plex.tv/articles/200471133-adding-local-subtitles-to-your-media/",
            # Plex's own agents read no .nfo: none is written
        ]},
    "kodi": {
        "show_folder": r"^.+$", "season_folder": r"^Season \d+$", "episode": r"S\d+E\d+",
        "episode_nfo": "{stem}.nfo", "thumb": "{stem}-thumb.jpg", "subtitle": "{stem}.{lang}.vtt",
        "show_files": {"tvshow.nfo", "poster.jpg", "fanart.jpg"}, "reserved": '<>:"/\\|?*',
        "sources": [
            # "must abide by the standard file naming conventions even when using nfo files": SxxEyy in the name
            "https://kodi.wiki/view/Naming_video_files/TV_shows",
            "https://kodi.wiki/view/NFO_files/Episodes",  # <episodedetails>, same name as the video, .nfo
            "https://kodi.wiki/view/NFO_files/TV_shows",  # tvshow.nfo in the show's folder
            "https://kodi.wiki/view/Artwork/Local_artwork",  # <episode file>-thumb.jpg; poster.jpg, fanart.jpg
            "https://kodi.wiki/view/Subtitles",  # <file>.<lang>.<ext> beside the video
        ]},
    "emby": {
        "show_folder": r"^.+$", "season_folder": r"^Season \d+$", "episode": r"S\d+E\d+",
        "episode_nfo": "{stem}.nfo", "thumb": "{stem}-thumb.jpg", "subtitle": "{stem}.{lang}.vtt",
        "show_files": {"tvshow.nfo", "poster.jpg", "fanart.jpg"}, "reserved": '<>:"/\\|?*',
        "sources": [
            "https://emby.media/support/articles/TV-Naming.html",  # Show/Season NN/Show SxxEyy.ext
            "https://emby.media/support/articles/Nfo-metadata.html",  # tvshow.nfo; <episode file>.nfo
            "https://emby.media/support/articles/Media-Images.html",  # poster.jpg, fanart.jpg; <file>-thumb.jpg
            "https://emby.media/support/articles/Subtitles.html",  # <file>.<lang>.<ext>
        ]},
}
HOSTILE = 'Part 1/2: "Why?" <live> | a\\b * \x07 ..'


def _episode(tmp: Path, video_id="vid-001", title="Hello world", day="20240228", lang="en") -> plan.Episode:
    folder = tmp / "archive" / "chan" / "videos" / video_id
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("video.mp4", "thumbnail.jpg", f"{lang}.vtt"):
        (folder / name).write_bytes(name.encode())
    return plan.Episode(video_id=video_id, title=title, upload_date=day, media=folder / "video.mp4",
                        duration=61.6, description="About it", thumbnail=folder / "thumbnail.jpg",
                        subtitles=((lang, folder / f"{lang}.vtt"),))


def _show(tmp: Path, title="My Channel") -> plan.Show:
    base = tmp / "archive" / "chan"
    base.mkdir(parents=True, exist_ok=True)
    for name in ("tvshow.nfo", "poster.jpg", "banner.jpg"):
        (base / name).write_bytes(name.encode())
    return plan.Show("chan", title, base / "tvshow.nfo", base / "poster.jpg", base / "banner.jpg")


@pytest.mark.parametrize("server", sorted(RULES))
def test_each_layout_follows_its_servers_documented_names(server, tmp_path):
    rules, layout = RULES[server], layouts.parse(server)
    assert rules["sources"] and all(url.startswith("https://") for url in rules["sources"])
    show, episode = _show(tmp_path), _episode(tmp_path, title=HOSTILE)
    code = episodes.assign({}, {episode.video_id: episode.upload_date})[episode.video_id]
    files = {**plan.show_files(layout, show), **plan.episode_files(layout, show, episode, code)}
    show_dir = "My Channel [chan]"
    assert {p.split("/", 1)[1] for p in files if p.count("/") == 1} == rules["show_files"]
    assert plan.show_files(layout, show)[f"{show_dir}/fanart.jpg"].source == show.banner  # the banner
    media = next(p for p in files if p.endswith(".mp4"))
    folder, season, name = media.split("/")
    assert folder == show_dir and re.match(rules["show_folder"], folder)
    assert re.match(rules["season_folder"], season) and season == "Season 2024"
    assert re.search(rules["episode"], name) and "S2024E022801" in name and "[vid-001]" in name
    assert name.startswith("My Channel - S2024E022801 - ")
    assert not set(name) & set(rules["reserved"]) and "\x07" not in name and not name.endswith(". .mp4")
    stem = name.removesuffix(".mp4")
    siblings = {p.split("/")[-1] for p in files if p.startswith(f"{folder}/{season}/")}
    expected = {name, rules["thumb"].format(stem=stem), rules["subtitle"].format(stem=stem, lang="en")}
    if rules["episode_nfo"]:
        expected.add(rules["episode_nfo"].format(stem=stem))
    assert siblings == expected
    if rules["episode_nfo"]:
        doc = ET.fromstring(files[f"{folder}/{season}/{stem}.nfo"].content)
        assert doc.tag == "episodedetails" and doc.findtext("title") == HOSTILE.replace("\x07", "")  # no BEL in XML
        assert (doc.findtext("season"), doc.findtext("episode"), doc.findtext("aired")) == ("2024", "22801",
                                                                                            "2024-02-28")
        assert doc.findtext("plot") == "About it" and doc.findtext("thumb") == rules["thumb"].format(stem=stem)
        unique = doc.find("uniqueid")
        assert (unique.get("type"), unique.get("default"), unique.text) == ("youtube", "true", "vid-001")
        assert doc.find("trailer") is None


def test_names_are_safe_and_cut_at_a_characters_boundary():
    assert names.component("a/b\\c:d") == "a_b_c_d"
    assert names.component("..") == "_" and names.component("") == "_" and names.component(".hidden") == "hidden"
    long = "é" * 300
    cut = names.component(long, 101)
    assert len(cut.encode()) <= 101 and cut == "é" * 50
    assert names.component("line\nbreak\u202etrick") == "line break trick"


def test_a_long_title_keeps_the_id_and_fits_a_component(tmp_path):
    layout, show = layouts.parse("jellyfin"), _show(tmp_path, title="ü" * 200)
    episode = _episode(tmp_path, title="漢" * 400)
    code = episodes.assign({}, {episode.video_id: "20240228"})[episode.video_id]
    for path in plan.episode_files(layout, show, episode, code):
        for part in path.split("/"):
            assert len(part.encode()) <= names.MAX_COMPONENT_BYTES
        assert "[vid-001]" in path.split("/")[-1]


def test_episode_numbers_are_stable_and_count_within_a_day():
    first = episodes.assign({}, {"b": "20240228", "a": "20240228", "c": "20240301"})
    assert {v: c.text for v, c in first.items()} == {"a": "S2024E022801", "b": "S2024E022802",
                                                      "c": "S2024E030101"}
    kept = {v: c.text for v, c in first.items()}
    later = episodes.assign(kept, {"0first": "20240228", "b": "20240228"})  # a new one never renumbers b
    assert later["b"].text == "S2024E022802" and later["0first"].text == "S2024E022803"
    moved = episodes.assign(kept, {"b": "20240229"})  # its day changed: a new number on that day
    assert moved["b"].text == "S2024E022901"
    assert episodes.assign({}, {"x": ""})["x"].text == "S0000E000001"  # no day known: season 0


def test_a_template_renders_safe_collision_free_paths():
    template = tl.parse("{channel}/{year}/{upload_date} {title}")
    parts = tl.render(template, {"channel": "A/B", "channel_id": "c", "id": "v1", "title": HOSTILE,
                                 "upload_date": "2024-02-28", "year": "2024", "month": "02", "day": "28",
                                 "episode": "S2024E022801"})
    assert parts[:2] == ("A_B", "2024") and parts[2].startswith("2024-02-28 Part 1_2_ ")
    assert parts[2].endswith(" [v1]")  # the id appended: two videos never share a name
    assert template.show_folder and not tl.parse("{year}/{title} [{id}]").show_folder
    long = tl.render(tl.parse("{title} [{id}]"), {"title": "x" * 1000, "id": "v1"})
    assert long[0].endswith(" [v1]") and len(long[0].encode()) <= names.MAX_STEM_BYTES
    assert tl.render(tl.parse("{{literal}} {id}"), {"id": "v1"}) == ("{literal} v1",)


@pytest.mark.parametrize("text, message", [
    ("{channel}/{nope}", "unknown field {nope}"),
    ("{title!r}", "takes no format"),
    ("{title:>30}", "takes no format"),
    ("{title.__class__}", "unknown field"),
    ("{title[0]}", "unknown field"),
    ("/{title}", "relative"),
    ("{channel}//{title}", "empty"),
    ("{channel}/../{title}", "'..'"),
    ("a\\b{title}", "backslash"),
    ("{title", "brace"),
])
def test_a_bad_template_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        layouts.normalise(text)


def test_layout_names_and_templates_as_stored():
    assert layouts.normalise(" Jellyfin ") == "jellyfin" and layouts.normalise("") == ""
    assert layouts.parse("off") is None and layouts.parse("") is None
    assert layouts.parse("{channel}/{title}").folder == "custom"
    with pytest.raises(ValueError, match="unknown library layout 'jelly'"):
        layouts.normalise("jelly")


def test_the_setting_is_checked_when_the_settings_load(monkeypatch, tmp_path):
    from config import env

    spec = channel_options.BY_NAME["library_layout"]
    monkeypatch.setenv("YTARCHIVE_LIBRARY_LAYOUT", "{channel}/{bogus}")
    with pytest.raises(ImproperlyConfigured, match=r"YTARCHIVE_LIBRARY_LAYOUT: unknown field \{bogus\}"):
        env.env_option(spec)
    monkeypatch.setenv("YTARCHIVE_LIBRARY_LAYOUT", "Plex")
    assert env.env_option(spec) == "plex"
    archive = tmp_path / "archive"
    assert env.env_library_root("UNSET_LIBRARY_VARIABLE", archive) is None
    for inside in (archive, archive / "lib", tmp_path):
        monkeypatch.setenv("YTARCHIVE_LIBRARY_ROOT", str(inside))
        with pytest.raises(ImproperlyConfigured, match="overlaps ARCHIVE_ROOT"):
            env.env_library_root("YTARCHIVE_LIBRARY_ROOT", archive)
    for fine in (tmp_path / "library", archive / ".ytarchive" / "library"):
        monkeypatch.setenv("YTARCHIVE_LIBRARY_ROOT", str(fine))
        assert env.env_library_root("YTARCHIVE_LIBRARY_ROOT", archive) == fine.resolve()
    monkeypatch.setenv("YTARCHIVE_LIBRARY_ROOT", "relative/path")
    with pytest.raises(ImproperlyConfigured, match="absolute"):
        env.env_library_root("YTARCHIVE_LIBRARY_ROOT", archive)


def test_a_channels_bad_layout_is_a_400_naming_the_field():
    from channels_app.models import Channel
    from front_app.api.channels import ChannelSerializer

    bad = ChannelSerializer(Channel(id="c"), data={"library_layout": "{channel}/{bogus}"}, partial=True)
    assert not bad.is_valid() and "unknown field {bogus}" in str(bad.errors["library_layout"])
    good = ChannelSerializer(Channel(id="c"), data={"library_layout": "{channel}/{title} [{id}]"}, partial=True)
    assert good.is_valid(), good.errors


def test_a_playlist_lists_paths_relative_to_itself():
    text = plan.playlist_file("Show [c]/List [PL1].m3u8", [("One", "Show [c]/Season 2024/a.mp4", 61.6),
                                                           ("Two\nlines", "Show [c]/Season 2023/b.mp4", None)])
    assert text.splitlines() == ["#EXTM3U", "#EXTINF:62,One", "Season 2024/a.mp4", "#EXTINF:-1,Two lines",
                                 "Season 2023/b.mp4"]
