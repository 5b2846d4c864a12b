"""An import stopped half-way (the process killed between two videos, a file that cannot be linked) leaves the
originals exactly as they were, no half-built folder under a final name, and a second run finishes the job
without adopting anything twice. In-process, on a folder made by the real yt-dlp CLI from the fixture site."""
from __future__ import annotations

import pytest

from archiver import adopt, tree
from channels_app import importer
from channels_app.models import Channel, Video
from tests.integration.test_import import snapshot, ytdlp_folder

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(fixture_site, tmp_path_factory):
    fixture_site.slow_rate = 10 * 1024 * 1024
    return ytdlp_folder(f"{fixture_site.base_url}/channel/chan-slow/videos", tmp_path_factory.mktemp("ytdlp"),
                        "--write-info-json")


def test_an_interrupted_import_loses_nothing_and_resumes(source, settings, tmp_path, monkeypatch):
    settings.ARCHIVE_ROOT = tmp_path / "archive"
    channel = Channel.objects.create(id="fixturesite-chan-slow", url="http://127.0.0.1/channel/chan-slow",
                                     raw_id="chan-slow", extractor="FixtureSiteChannel")
    before = snapshot(source)
    real, calls = adopt.link_into, []

    def dies_on_the_second(item, temp_dir, root, copy=False):
        calls.append(item.video_id)
        if len(calls) == 2:
            (temp_dir / "video.mp4").write_bytes(b"half")  # as far as it got
            raise KeyboardInterrupt  # the process is stopped here
        return real(item, temp_dir, root, copy)

    monkeypatch.setattr(adopt, "link_into", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        importer.import_folder(channel, source, mode="move", root=source)
    # --move removes a video's originals only once that video is safe: the first one's are gone, the rest stay.
    assert snapshot(source) == {name: data for name, data in before.items() if f"[{calls[0]}]" not in name}
    videos_dir = tree.videos_dir(settings.ARCHIVE_ROOT, channel.id)
    assert [p.name for p in videos_dir.iterdir()] == [calls[0]]  # one whole video; no temp folder left
    assert tree.find_partial_files(settings.ARCHIVE_ROOT) == []
    assert list(Video.objects.values_list("video_id", flat=True)) == [calls[0]]

    monkeypatch.setattr(adopt, "link_into", real)
    result = importer.import_folder(channel, source, mode="link", root=source)
    assert sorted(v["video_id"] for v in result["adopted"]) == sorted(set(before_ids(before)) - {calls[0]})
    assert result["skipped"] == []
    assert Video.objects.filter(status="archived").count() == 3
    again = importer.import_folder(channel, source, root=source)  # nothing twice
    assert not again["adopted"] and {s["reason"] for s in again["skipped"]} == {"already archived"}
    assert again["refused"] == []  # the originals' second names are the archive's own copies


def before_ids(files: dict[str, bytes]) -> list[str]:
    return [name.rsplit("[", 1)[1].split("]")[0] for name in files if name.endswith(".mp4")]


def test_a_file_on_another_filesystem_is_named_not_copied(source, settings, monkeypatch):
    import errno
    import os

    settings.ARCHIVE_ROOT = source.parent / "archive-x"
    channel = Channel.objects.create(id="c-x", url="http://127.0.0.1/channel/chan-slow", raw_id="chan-slow")

    def cross_device(src, dst, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    result = importer.import_folder(channel, source, root=source)
    assert not result["adopted"] and all("--copy" in s["reason"] for s in result["skipped"])
    assert tree.find_partial_files(settings.ARCHIVE_ROOT) == []
