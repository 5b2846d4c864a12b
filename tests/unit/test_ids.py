"""Ids never become paths without validation."""
from pathlib import Path

import pytest

from archiver import ids, tree

HOSTILE = ["../../etc", "..", ".", "a/b", "a\\b", "", " ", "x" * 300, "🎬", "\"quoted\"", "-rf",
           ".hidden", "nul\x00byte", "ütf", "a b"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_ids_become_safe_and_stay_inside_the_tree(raw, tmp_path):
    safe = ids.safe_id(raw)
    assert ids.is_safe_id(safe)
    assert "/" not in safe and ".." not in safe and len(safe) <= 64
    path = tree.video_dir(tmp_path, "chan", safe)
    assert path.resolve().parent == (tmp_path / "chan" / "videos").resolve()


def test_safe_ids_are_kept_and_mapping_is_stable_and_distinct():
    assert ids.safe_id("dQw4w9WgXcQ") == "dQw4w9WgXcQ"
    assert ids.safe_id("a/b") == ids.safe_id("a/b")
    assert ids.safe_id("a/b") != ids.safe_id("a_b") != ids.safe_id("a-b")
    assert len({ids.safe_id(x) for x in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("raw", HOSTILE)
def test_tree_refuses_unsafe_ids(raw):
    with pytest.raises(ValueError, match="unsafe id"):
        tree.video_dir(Path("/archive"), "chan", raw)
    with pytest.raises(ValueError, match="unsafe id"):
        tree.channel_dir(Path("/archive"), raw)


def test_channel_keys():
    uc = "UC" + "x" * 22
    assert ids.channel_key("YoutubeTab", uc) == uc
    assert ids.channel_key("FixtureSiteChannel", "chan-main") == "fixturesite-chan-main"
    assert ids.channel_key("Generic", "http://e.org/feed.xml").startswith("generic-")
    assert ids.is_safe_id(ids.channel_key("Generic", "http://e.org/feed.xml"))
    assert ids.channel_key("VimeoChannel", "videos") != ids.channel_key("DailymotionPlaylist", "videos")
