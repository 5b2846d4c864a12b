"""Library views on the real stack (issue 26): a synced channel appears in its media server's names, as
hard links to the archive's files; a re-download is relinked; a title changed upstream renames its files;
a playlist's .m3u8 resolves; ``build_library`` is idempotent and leaves others' files alone; a new layout
moves the channel; a channel removed leaves the view. The names are checked against the rules table of
tests/unit/test_library_layouts.
"""
from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from archiver import playlist_file
from tests.harness import add_fresh, cli, wait_for
from tests.unit.test_library_layouts import RULES

pytestmark = pytest.mark.integration

RENAMED, REDOWNLOADED = "vid-slowchan-01", "vid-slowchan-02"


def full_sync(api, channel_id):
    api.post(f"/api/channels/{channel_id}/sync/?full=true", expect=202)
    return api.wait_settled(channel_id)


def season_files(view, channel_id):
    return sorted(p for p in view.rglob("*") if p.is_file() and ".ytarchive" not in p.parts
                  and f"[{channel_id}]" in p.relative_to(view).parts[0])


def check_tree(view, server, channel, videos, archive_root):
    """Every archived video in ``server``'s names, each media file the archive's own inode."""
    rules, cid = RULES[server], channel["id"]
    show = view / f"{channel['title']} [{cid}]"
    assert show.is_dir(), sorted(p.name for p in view.iterdir())
    assert {p.name for p in show.iterdir() if p.is_file() and p.suffix != ".m3u8"} == \
        rules["show_files"] - {"fanart.jpg"}  # the slow channel has no banner
    assert os.path.samefile(show / "poster.jpg", archive_root / cid / "poster.jpg")
    names = {}
    for video in videos:
        source = archive_root / cid / "videos" / video["video_id"] / video["video_file"]
        found = [p for p in show.rglob(f"*[[]{video['video_id']}[]]{source.suffix}")]
        assert len(found) == 1, (video["video_id"], found)
        media = found[0]
        season, name = media.parent.name, media.name
        day = video["upload_date"].replace("-", "")
        assert re.match(rules["season_folder"], season) and season == f"Season {day[:4]}"
        assert re.search(rules["episode"], name) and video["title"] in name
        assert name.startswith(f"{channel['title']} - S{day[:4]}E{day[4:]}")
        assert not set(name) & set(rules["reserved"])
        st, archived = os.stat(media), os.stat(source)
        assert (st.st_ino, st.st_dev) == (archived.st_ino, archived.st_dev) and archived.st_nlink >= 2
        stem = name.removesuffix(source.suffix)
        assert os.path.samefile(media.parent / rules["thumb"].format(stem=stem), source.parent / "thumbnail.jpg")
        for lang in video["subtitles"]:
            if not lang.endswith(".auto"):
                assert os.path.samefile(media.parent / rules["subtitle"].format(stem=stem, lang=lang),
                                        source.parent / "subtitles" / f"{lang}.vtt")
        if rules["episode_nfo"]:
            doc = ET.parse(media.parent / rules["episode_nfo"].format(stem=stem)).getroot()
            assert doc.findtext("title") == video["title"] and doc.findtext("season") == day[:4]
            assert doc.findtext("aired") == f"{day[:4]}-{day[4:6]}-{day[6:]}"
            assert doc.find("uniqueid").text == video["video_id"]
        names[video["video_id"]] = media
    return names


def test_a_channels_view_follows_the_archive(api, stack, fixture_site, archive_root, library_root, logged_in):
    fixture_site.slow_rate = 10 * 1024 * 1024
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")
    cid = channel["id"]
    bad = api.call("PATCH", f"/api/channels/{cid}/", json={"library_layout": "{channel}/{nope}"}, expect=400)
    assert "unknown field {nope}" in str(bad), bad
    api.call("PATCH", f"/api/channels/{cid}/", json={"library_layout": "jellyfin"})
    full_sync(api, cid)
    channel = api.get(f"/api/channels/{cid}/")
    assert channel["effective"]["library_layout"] == "jellyfin"
    videos = [v for v in api.videos(cid) if v["status"] == "archived"]
    assert len(videos) == 3
    view = library_root / "jellyfin"
    names = check_tree(view, "jellyfin", channel, videos, archive_root)
    before = {p.relative_to(view) for p in season_files(view, cid)}

    # A re-download: the old links stay readable meanwhile, then point at the new copy (a new inode).
    again = next(v for v in videos if v["video_id"] == REDOWNLOADED)
    old_inode = os.stat(names[REDOWNLOADED]).st_ino
    api.post(f"/api/videos/{again['id']}/redownload/", expect=202)
    assert names[REDOWNLOADED].read_bytes()[:4]  # still there while it downloads again
    source = archive_root / cid / "videos" / REDOWNLOADED / again["video_file"]
    wait_for(lambda: source.is_file() and os.stat(source).st_ino != old_inode
             and os.path.samefile(names[REDOWNLOADED], source), 120, "the view to link the new copy")
    assert os.stat(names[REDOWNLOADED]).st_nlink == 2  # the archive's and the view's: the old copy is gone

    try:  # a title changed upstream: the next sync's listing renames its files, the old names go
        fixture_site.renamed[RENAMED] = "A better title"
        full_sync(api, cid)
        renamed = [v for v in api.videos(cid) if v["status"] == "archived"]
        assert next(v for v in renamed if v["video_id"] == RENAMED)["title"] == "A better title"
        new_names = check_tree(view, "jellyfin", channel, renamed, archive_root)
        assert not names[RENAMED].exists() and "A better title" in new_names[RENAMED].name
        code = re.search(r"S\d+E\d+", names[RENAMED].name)[0]
        assert code in new_names[RENAMED].name  # its episode number stays
        after = {p.relative_to(view) for p in season_files(view, cid)}
        assert len(after) == len(before) and not any("A better title" in str(p) for p in before)
    finally:
        fixture_site.renamed.clear()

    # A playlist (as the playlists refresh writes one) and its signal: the view's .m3u8 resolves to its files.
    order = [v["video_id"] for v in sorted(renamed, key=lambda v: v["upload_date"])]
    stack.manage("shell", "-c", (
        "from archiver import playlist_file as p; from django.conf import settings; "
        "from channels_app.archive_events import playlists_written; "
        f"p.write(settings.ARCHIVE_ROOT, p.PlaylistFile(id='PLviews', title='Oldest first', channel_id='{cid}', "
        f"entries=tuple(p.Entry(i + 1, v) for i, v in enumerate({order!r} + ['not-archived'])))); "
        f"playlists_written.send(sender=None, channel_id='{cid}', playlist_ids=['PLviews'])"))
    assert playlist_file.read(archive_root / cid / "playlists" / "PLviews.json").entries[0].video_id == order[0]
    m3u8 = view / f"{channel['title']} [{cid}]" / "Oldest first [PLviews].m3u8"
    lines = m3u8.read_text(encoding="utf-8").splitlines()
    paths = [m3u8.parent / line for line in lines if not line.startswith("#")]
    assert lines[0] == "#EXTM3U" and len(paths) == 3 and all(p.is_file() for p in paths)
    assert [re.search(r"\[([^\]]+)\]\.\w+$", p.name)[1] for p in paths] == order
    assert all(line.startswith("#EXTINF:") for line in lines[1::2])

    # build_library: idempotent, and a file the view did not make stays
    mine = view / f"{channel['title']} [{cid}]" / "my notes.txt"
    mine.write_text("not the view's")
    out = stack.manage("build_library", "--channel", cid)
    assert f"{cid}: jellyfin: 0 linked, 0 written, 0 removed" in out, out
    assert mine.exists()

    # another layout: the channel moves (the old view's links go, not the file it did not make)
    shown = cli(logged_in, "set", cid, "--library-layout", "plex").stdout  # the CLI's flag, through the API
    assert "library view plex" in shown, shown
    wait_for(lambda: season_files(view, cid) == [mine] and len(list((library_root / "plex").rglob("*.jpg"))) == 4,
             60, "the channel's view to move to plex (a maintenance task)")
    plex = check_tree(library_root / "plex", "plex", channel, renamed, archive_root)
    assert not list((library_root / "plex").rglob("*.nfo")) and all(p.exists() for p in plex.values())
    assert season_files(view, cid) == [mine]

    # the channel removed (its files kept in the archive): its view goes
    api.call("DELETE", f"/api/channels/{cid}/", expect=204)
    wait_for(lambda: not any(p.exists() for p in plex.values()), 30, "the removed channel's links to go")
    assert not list((library_root / "plex").glob(f"*[[]{cid}[]]"))
    assert (archive_root / cid / "videos" / RENAMED).is_dir()
    # Its kept files go too: a later test that adds this fixture channel again must not find them archived.
    shutil.rmtree(archive_root / cid)
