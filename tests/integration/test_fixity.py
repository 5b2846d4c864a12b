"""Fixity (issue 15): each video folder carries checksums.sha256; `ytarchive verify` finds a flipped byte,
a deleted file and an extra file, naming the video; /metrics counts them; a damaged video is downloaded
again on request and its old copy stays aside until the new one verifies."""
from __future__ import annotations

import subprocess

import pytest
import requests

from tests.harness import YTARCHIVE, add_fresh, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def slow_channel(api, fixture_site):
    fixture_site.slow_rate = 10 * 1024 * 1024
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    return channel["id"]


def test_every_folder_carries_checksums_that_sha256sum_accepts(slow_channel, archive_root, api):
    videos = api.videos(slow_channel)
    assert videos and all(v["status"] == "archived" and v["fixity_status"] == "ok" for v in videos)
    for video in videos:
        folder = archive_root / slow_channel / "videos" / video["video_id"]
        listed = [line.split("  ", 1)[1] for line in (folder / "checksums.sha256").read_text().splitlines()]
        assert video["video_file"] in listed and "video.info.json" in listed and "thumbnail.jpg" in listed
        assert "video.nfo" not in listed and "checksums.sha256" not in listed
        check = subprocess.run(["sha256sum", "--check", "--strict", "checksums.sha256"], cwd=folder,
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_verify_names_each_damage_and_a_redownload_repairs_only_when_asked(slow_channel, archive_root, api, stack,
                                                                           logged_in, fixture_site):
    env = logged_in
    videos = sorted(api.videos(slow_channel), key=lambda v: v["video_id"])
    flipped, deleted, extra = (archive_root / slow_channel / "videos" / v["video_id"] for v in videos[:3])
    media = flipped / videos[0]["video_file"]
    data = bytearray(media.read_bytes())
    data[len(data) // 2] ^= 0x01
    media.write_bytes(bytes(data))
    (deleted / "thumbnail.jpg").unlink()
    (extra / "notes.txt").write_text("not ours\n")

    run = subprocess.run([str(YTARCHIVE), "verify", slow_channel], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert f"0 of {len(videos)} intact, 3 damaged" in run.stdout
    assert f"{slow_channel}/{videos[0]['video_id']}: changed: {videos[0]['video_file']}" in run.stdout
    assert f"{slow_channel}/{videos[1]['video_id']}: missing: thumbnail.jpg" in run.stdout
    assert f"{slow_channel}/{videos[2]['video_id']}: unexpected: notes.txt" in run.stdout
    assert "ytarchive_fixity_failures 3.0" in requests.get(f"{stack.base_url}/metrics", timeout=10).text
    assert api.get(f"/api/videos/{videos[0]['id']}/")["fixity_problems"] == [f"changed: {videos[0]['video_file']}"]
    assert media.read_bytes() == bytes(data)  # nothing repaired behind anyone's back

    # Downloaded again on request: the damaged copy is set aside, and removed once the new one verifies.
    again = api.post(f"/api/videos/{videos[0]['id']}/redownload/", expect=202)
    assert again["status"] in ("new", "queued")
    kept = [p for p in (archive_root / slow_channel / "videos").iterdir() if p.name.startswith(".kept-")]
    assert len(kept) == 1 and (kept[0] / videos[0]["video_file"]).read_bytes() == bytes(data)
    wait_for(lambda: api.get(f"/api/videos/{videos[0]['id']}/")["status"] == "archived", 120, "the new download")
    wait_for(lambda: not kept[0].exists(), 30, "the old copy to go once the new one verified")
    repaired = api.get(f"/api/videos/{videos[0]['id']}/")
    assert repaired["fixity_status"] == "ok" and media.read_bytes() == fixture_site.mp4_bytes(videos[0]["video_id"])
    run = subprocess.run([str(YTARCHIVE), "verify", slow_channel], env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1 and f"1 of {len(videos)} intact, 2 damaged" in run.stdout
