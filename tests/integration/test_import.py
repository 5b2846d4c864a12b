"""Import (issue 15): an archive made by the real yt-dlp CLI from the fixture site is adopted without a second
download, nothing is archived twice, the originals stay as they were (also when an import is interrupted),
and the next sync downloads only what was missing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.env_setup import RUN_DIR
from tests.fixture_site import catalog
from tests.fixture_site.pytest_plugin import plugin_env
from tests.harness import add_fresh, cli

pytestmark = pytest.mark.integration

YT_DLP = Path(sys.executable).with_name("yt-dlp")


def ytdlp_folder(url: str, folder: Path, *extra: str) -> Path:
    """What a user of plain yt-dlp has: media, info.json, thumbnails and subtitles, under yt-dlp's own names."""
    folder.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([str(YT_DLP), "--ignore-errors", "--no-progress", "--write-thumbnail", "--write-subs",
                          "--sub-langs", "all", "-o", "%(title)s [%(id)s].%(ext)s", "-P", str(folder), *extra, url],
                         env=plugin_env(dict(os.environ)), capture_output=True, text=True, timeout=300)
    assert any(p.suffix == ".mp4" for p in folder.iterdir()), run.stdout[-2000:] + run.stderr[-2000:]
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_yt_dlp_folder_is_adopted_once_and_its_originals_stay(api, fixture_site, archive_root, logged_in):
    fixture_site.slow_rate = 10 * 1024 * 1024
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")
    cid = channel["id"]
    source = ytdlp_folder(f"{fixture_site.base_url}/channel/chan-slow/videos", RUN_DIR / "imports" / "slow",
                          "--write-info-json", "--playlist-items", "1,2")
    before = snapshot(source)
    fixture_site.reset()

    dry = cli(logged_in, "import", "slow", "--channel", cid, "--dry-run").stdout
    assert "would adopt 2 video(s)" in dry and not (archive_root / cid / "videos").exists()
    done = cli(logged_in, "import", "slow", "--channel", cid).stdout
    assert "adopted 2 video(s) (link), skipped 0" in done, done
    assert not any(path.startswith("/media/") for path in fixture_site.request_counts())  # nothing downloaded
    assert snapshot(source) == before  # hard links: the originals are untouched
    videos = {v["video_id"]: v for v in api.videos(cid)}
    adopted = [v for v in videos.values() if v["status"] == "archived"]
    assert len(adopted) == 2 and all(v["fixity_status"] == "ok" and v["upload_date"] for v in adopted)
    for video in adopted:
        folder = archive_root / cid / "videos" / video["video_id"]
        assert {"video.mp4", "video.info.json", "thumbnail.jpg", "checksums.sha256", "video.nfo"} <= {
            p.name for p in folder.iterdir()}
        assert subprocess.run(["sha256sum", "-c", "--quiet", "checksums.sha256"], cwd=folder).returncode == 0
        assert (folder / "video.mp4").read_bytes() == fixture_site.mp4_bytes(video["video_id"])

    again = cli(logged_in, "import", "slow", "--channel", cid).stdout
    assert "adopted 0 video(s)" in again and again.count("already archived") == 2  # nothing twice

    # The next sync lists the channel and downloads only the third video.
    api.post(f"/api/channels/{cid}/sync/", expect=202)
    api.wait_settled(cid)
    assert all(v["status"] == "archived" for v in api.videos(cid))
    downloaded = {path for path in fixture_site.request_counts() if path.startswith("/media/")}
    assert len(downloaded) == 1 and downloaded.pop().split("/")[-1].removesuffix(".mp4") not in {
        v["video_id"] for v in adopted}


def test_a_download_archive_names_the_videos_and_their_metadata_is_read(api, fixture_site, archive_root, logged_in):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturemembers")
    cid = channel["id"]
    folder = RUN_DIR / "imports" / "members"
    ytdlp_folder(f"{fixture_site.base_url}/channel/chan-members/videos", folder,
                 "--download-archive", str(folder / "archive.txt"))  # no info.json: only the archive file
    assert "fixturesite vid-mem-01" in (folder / "archive.txt").read_text()
    done = cli(logged_in, "import", "members", "--channel", cid, "--download-archive", "members/archive.txt",
               "--move").stdout
    archived = [v for v in api.videos(cid) if v["status"] == "archived"]
    assert len(archived) == 3 and "adopted 3 video(s) (move)" in done, done  # the members-only one never came
    assert {v["title"] for v in archived} == {catalog.VIDEOS[v["video_id"]].title for v in archived}
    assert not any(p.suffix == ".mp4" for p in folder.iterdir())  # moved: gone from the source, kept in the tree


def test_bad_imports_are_refused_with_a_reason(logged_in, api):
    assert "not under the import folder" in cli(logged_in, "import", "../../etc", "--channel", "x",
                                                expect=1).stderr
    assert "does not exist" in cli(logged_in, "import", "nothing-here", "--channel", "x", expect=1).stderr


@pytest.mark.parametrize("mode", ["link", "copy"])
def test_a_symlink_to_the_secret_key_is_refused_and_named(api, stack_env, fixture_site, archive_root, logged_in,
                                                          mode):
    """Issue 22: the finding as reported, through the CLI and the running stack."""
    fixture_site.slow_rate = 10 * 1024 * 1024
    cid = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")["id"]
    source = ytdlp_folder(f"{fixture_site.base_url}/channel/chan-slow/videos", RUN_DIR / "imports" / f"evil-{mode}",
                          "--write-info-json", "--playlist-items", "1")
    media = next(p for p in source.iterdir() if p.suffix == ".mp4")
    vid = media.name.rsplit("[", 1)[1].split("]")[0]
    media.unlink()
    secret = Path(stack_env["DATA_DIR"]) / ".django_secret_key"
    media.symlink_to(secret)
    flag = [] if mode == "link" else ["--copy"]
    done = cli(logged_in, "import", f"evil-{mode}", "--channel", cid, *flag).stdout
    assert "adopted 0 video(s)" in done and "refused 1 path(s)" in done, done
    assert f"refused: evil-{mode}/{media.name}: a symbolic link (links are never followed)" in done
    assert not (archive_root / cid / "videos" / vid).exists()
    assert all(v["status"] != "archived" for v in api.videos(cid))
    key = secret.read_bytes()
    assert not any(key in p.read_bytes() for p in archive_root.rglob("*") if p.is_file() and not p.is_symlink())
