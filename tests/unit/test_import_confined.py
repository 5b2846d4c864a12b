"""Imports follow no link (issue 22): a symlink to the secret key inside an import folder, a symlinked folder,
a named pipe and a hard link to a file outside the import root are refused and named, in link and copy modes,
and nothing of them reaches the archive or /media/. In-process, on a folder made by the real yt-dlp CLI."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client

from archiver import confined, tree
from archiver.errors import UserError
from channels_app import importer
from channels_app.models import Channel, Video
from tests.integration.test_import import ytdlp_folder

pytestmark = pytest.mark.django_db

SECRET = Path(django_settings.DATA_DIR) / ".django_secret_key"


@pytest.fixture(scope="module")
def made_by_ytdlp(fixture_site, tmp_path_factory):
    fixture_site.slow_rate = 10 * 1024 * 1024
    return ytdlp_folder(f"{fixture_site.base_url}/channel/chan-slow/videos", tmp_path_factory.mktemp("ytdlp"),
                        "--write-info-json")


@pytest.fixture
def env(made_by_ytdlp, settings, tmp_path):
    """An import root holding a copy of the yt-dlp folder, an empty archive, and the channel."""
    settings.ARCHIVE_ROOT = tmp_path / "archive"
    settings.YTARCHIVE = {**settings.YTARCHIVE, "IMPORT_ROOT": tmp_path / "imports"}
    folder = shutil.copytree(made_by_ytdlp, tmp_path / "imports" / "dl")
    channel = Channel.objects.create(id="fixturesite-chan-slow", url="http://127.0.0.1/channel/chan-slow",
                                     raw_id="chan-slow", extractor="FixtureSiteChannel")
    return channel, Path(folder)


def media_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".mp4")


def archived_bytes() -> list[bytes]:
    root = Path(django_settings.ARCHIVE_ROOT)
    return [p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.is_symlink()] if root.exists() else []


@pytest.mark.parametrize("mode", ["link", "copy"])
def test_a_symlink_to_the_secret_key_is_refused_named_and_never_served(env, mode):
    channel, folder = env
    victim = media_of(folder)[0]
    vid = victim.name.rsplit("[", 1)[1].split("]")[0]
    victim.unlink()
    victim.symlink_to(SECRET)  # "the video" is the Django secret key
    result = importer.import_folder(channel, importer.check_path("dl"), mode=mode)
    assert {"path": f"dl/{victim.name}", "reason": "a symbolic link (links are never followed)"} in result["refused"]
    assert vid not in {a["video_id"] for a in result["adopted"]} and len(result["adopted"]) == 2
    secret = SECRET.read_bytes()
    assert all(secret not in data for data in archived_bytes())
    assert not tree.is_archived(django_settings.ARCHIVE_ROOT, channel.id, vid)

    reader = Client()
    reader.force_login(User.objects.create_user("reader"))  # a non-staff account
    refused = reader.get(f"/media/{channel.id}/{vid}/video.mp4")
    assert refused.status_code == 404
    served = Video.objects.filter(channel=channel, status="archived").first()
    assert reader.get(f"/media/{channel.id}/{served.video_id}/video.mp4").status_code == 200  # the others play


def test_a_symlinked_folder_a_fifo_and_a_hard_link_out_are_refused(env, tmp_path):
    channel, folder = env
    outside = tmp_path / "outside"
    shutil.copytree(folder, outside)  # three more whole videos, outside the import root
    (folder / "more").symlink_to(outside, target_is_directory=True)
    first, second, third = media_of(folder)
    second.unlink()
    os.mkfifo(second)  # would block a plain open() for ever
    third.unlink()
    os.link(media_of(outside)[2], third)  # the same inode as a file outside the root
    result = importer.import_folder(channel, folder, mode="copy")
    refused = {r["path"]: r["reason"] for r in result["refused"]}
    assert refused["dl/more"] == "a symbolic link to a folder (links are never followed)"
    assert refused[f"dl/{second.name}"] == "a named pipe (FIFO), not a file"
    assert refused[f"dl/{third.name}"].startswith("a hard link with 2 names")
    assert [a["video_id"] for a in result["adopted"]] == [first.name.rsplit("[", 1)[1].split("]")[0]]
    assert Video.objects.filter(status="archived").count() == 1


def test_paths_through_links_or_out_of_the_root_are_refused(env, tmp_path):
    _channel, folder = env
    (folder.parent / "via").symlink_to(folder, target_is_directory=True)
    with pytest.raises(UserError, match="via is a symbolic link"):
        importer.check_path("via")
    with pytest.raises(UserError, match="not under the import folder"):
        importer.check_path("dl/../../outside")
    with pytest.raises(UserError, match="does not exist"):
        importer.check_path("dl/none")
    assert importer.check_path("dl") == folder.resolve()


def test_a_file_swapped_after_the_walk_is_not_read(env, tmp_path):
    """The descriptor is checked, not the name: a file replaced by a link between the walk and the copy."""
    _channel, folder = env
    scan = confined.scan(folder, folder.parent)
    media = media_of(folder)[0]
    media.unlink()
    media.symlink_to(SECRET)
    with pytest.raises(confined.Refused, match="symbolic link"):
        confined.copy_file(media, folder.parent, tmp_path / "copy", scan.files[media])
    other = media_of(folder)[1]
    (tmp_path / "new").write_bytes(b"another file under the same name")
    os.replace(tmp_path / "new", other)
    with pytest.raises(confined.Refused, match="changed while it was being read"):
        confined.link_file(other, folder.parent, tmp_path / "link", scan.files[other])
    assert not (tmp_path / "copy").exists() and not (tmp_path / "link").exists()


def test_unusable_paths_are_a_clear_refusal(env):
    for text in ("dl/\x00x", "dl/" + "x" * 5000):
        with pytest.raises(UserError, match=r"not a usable path|does not exist"):
            importer.check_path(text)
