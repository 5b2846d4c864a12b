"""Library views (issue 26), the builder on real files: hard links (same inode), a re-download relinked,
a rename leaving no old name, a removal, files it did not make left alone, symbolic links when asked, a
hard link across filesystems refused with what to do, and playlists whose entries resolve."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from archiver import playlist_file
from archiver.library_view import layouts, plan
from archiver.library_view.builder import LibraryError, View


def make_video(archive: Path, video_id: str, data: bytes = b"media") -> Path:
    folder = archive / "chan" / "videos" / video_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "video.mp4").write_bytes(data)
    (folder / "thumbnail.jpg").write_bytes(b"jpg")
    return folder


def episode(archive: Path, video_id: str, title: str, day: str = "20240228") -> plan.Episode:
    folder = archive / "chan" / "videos" / video_id
    return plan.Episode(video_id=video_id, title=title, upload_date=day, media=folder / "video.mp4",
                        duration=10.0, thumbnail=folder / "thumbnail.jpg")


@pytest.fixture
def archive(tmp_path) -> Path:
    root = tmp_path / "archive"
    (root / "chan").mkdir(parents=True)
    (root / "chan" / "poster.jpg").write_bytes(b"poster")
    (root / "chan" / "tvshow.nfo").write_text("<tvshow/>")
    for video_id in ("v1", "v2"):
        make_video(root, video_id)
    return root


def show(archive: Path) -> plan.Show:
    return plan.Show("chan", "Chan", archive / "chan" / "tvshow.nfo", archive / "chan" / "poster.jpg", None)


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and ".ytarchive" not in p.parts}


def test_links_share_the_archives_inode_and_a_rebuild_changes_nothing(archive, tmp_path):
    view = View(tmp_path / "library", layouts.parse("kodi"))
    changes = view.update(show(archive), [episode(archive, "v1", "One"), episode(archive, "v2", "Two")])
    assert changes.linked == 2 * 2 + 2 and changes.written == 2  # media and thumb each; nfo each; show files
    shown = view.media_path("chan", "v1")
    source = archive / "chan" / "videos" / "v1" / "video.mp4"
    assert shown.name == "Chan - S2024E022801 - One [v1].mp4"
    assert os.stat(shown).st_ino == os.stat(source).st_ino and os.stat(source).st_nlink == 2
    again = view.update(show(archive), [episode(archive, "v1", "One"), episode(archive, "v2", "Two")], full=True)
    assert (again.linked, again.written, again.removed) == (0, 0, 0)


def test_a_redownload_is_relinked_and_a_rename_leaves_no_old_name(archive, tmp_path):
    view = View(tmp_path / "library", layouts.parse("jellyfin"))
    view.update(show(archive), [episode(archive, "v1", "One")])
    old = view.media_path("chan", "v1")
    folder = archive / "chan" / "videos" / "v1"
    (folder / "video.mp4").unlink()
    (folder / "video.mp4").write_bytes(b"a new copy")  # a re-download: a new file (a new inode)
    view.update(show(archive), [episode(archive, "v1", "One")])
    assert old.read_bytes() == b"a new copy" and os.path.samefile(old, folder / "video.mp4")
    view.update(show(archive), [episode(archive, "v1", "A better title")])
    new = view.media_path("chan", "v1")
    assert new.name == "Chan - S2024E022801 - A better title [v1].mp4" and new.is_file()
    assert not any("One" in name for name in files_under(view.base))
    assert "S2024E022801" in new.name  # its number kept


def test_a_removal_removes_and_files_it_did_not_make_stay(archive, tmp_path):
    view = View(tmp_path / "library", layouts.parse("emby"))
    view.update(show(archive), [episode(archive, "v1", "One"), episode(archive, "v2", "Two")])
    season = view.media_path("chan", "v1").parent
    mine = season / "my notes.txt"
    mine.write_text("mine")
    taken = season / view.media_path("chan", "v2").name.replace("Two", "Three")
    taken.write_text("someone else's file, where the next name would go")
    changes = view.update(show(archive), [episode(archive, "v2", "Three")], removed=["v1"])
    assert changes.skipped == 1 and taken.read_text().startswith("someone else's")
    assert view.media_path("chan", "v1") is None and mine.read_text() == "mine"
    assert not any("One" in name for name in files_under(view.base))
    dropped = view.drop("chan")
    assert dropped.removed and mine.exists() and taken.exists() and not view.has_channel("chan")
    assert files_under(view.base) == {str(mine.relative_to(view.base)), str(taken.relative_to(view.base))}


def test_empty_folders_it_made_go_with_their_files(archive, tmp_path):
    view = View(tmp_path / "library", layouts.parse("plex"))
    view.update(show(archive), [episode(archive, "v1", "One", day="20230101")])
    view.drop("chan")
    assert not any((view.base).glob("Chan*"))


def test_symbolic_links_when_asked(archive, tmp_path):
    view = View(tmp_path / "library", layouts.parse("kodi"), links="symlink")
    view.update(show(archive), [episode(archive, "v1", "One")])
    shown = view.media_path("chan", "v1")
    assert shown.is_symlink() and Path(os.readlink(shown)) == archive / "chan" / "videos" / "v1" / "video.mp4"


def test_a_hard_link_across_filesystems_says_what_to_do(archive, tmp_path):
    other = Path("/dev/shm")
    if not other.is_dir() or os.stat(other).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second filesystem here")
    library = Path(os.environ.get("TMPDIR_SHM", other)) / f"ytarchive-test-{os.getpid()}"
    try:
        view = View(library, layouts.parse("kodi"))
        with pytest.raises(LibraryError, match=r"another filesystem.*YTARCHIVE_LIBRARY_LINKS=symlink"):
            view.update(show(archive), [episode(archive, "v1", "One")])
    finally:
        import shutil

        shutil.rmtree(library, ignore_errors=True)


def test_playlists_become_m3u8_files_whose_entries_resolve(archive, tmp_path):
    view = View(tmp_path / "library", layouts.parse("jellyfin"))
    listed = playlist_file.PlaylistFile(id="PL1", title="Best: of", channel_id="chan", entries=(
        playlist_file.Entry(1, "v2", "Two"), playlist_file.Entry(2, "missing", "Not archived"),
        playlist_file.Entry(3, "v1", "One")))
    playlist_file.write(archive, listed)
    view.update(show(archive), [episode(archive, "v1", "One"), episode(archive, "v2", "Two")],
                playlists=playlist_file.read_all(archive, "chan"))
    m3u8 = view.base / "Chan [chan]" / "Best_ of [PL1].m3u8"
    lines = m3u8.read_text().splitlines()
    assert lines[0] == "#EXTM3U" and lines[1] == "#EXTINF:10,Two" and lines[3] == "#EXTINF:10,One"
    targets = [m3u8.parent / line for line in lines if not line.startswith("#")]
    assert targets == [view.media_path("chan", "v2"), view.media_path("chan", "v1")]
    assert all(t.is_file() for t in targets)
    view.update(show(archive), [episode(archive, "v1", "Uno")], playlists=[])  # the playlist gone
    assert not m3u8.exists()


def test_a_template_view(archive, tmp_path):
    layout = layouts.parse("{channel}/{year}/{upload_date} {title}")
    view = View(tmp_path / "library", layout)
    view.update(show(archive), [episode(archive, "v1", "One")])
    shown = view.media_path("chan", "v1")
    assert shown.relative_to(view.base).as_posix() == "Chan/2024/2024-02-28 One [v1].mp4"
    assert (shown.parent / "2024-02-28 One [v1]-thumb.jpg").is_file()
    assert (view.base / "Chan" / "poster.jpg").is_file()  # the first folder is the channel's: its show files
