"""archiver.ytdlp.playlists: a channel's playlists tab and a playlist's entries, in order, through yt-dlp against
the fixture site (its chan-lists channel, tests/fixture_site/catalog.py), and the pure parts of it."""
from __future__ import annotations

import pytest

from archiver.errors import UserError
from archiver.ytdlp import playlists
from tests.fixture_site import catalog


@pytest.fixture
def site(fixture_site):
    fixture_site.reset()
    yield fixture_site
    fixture_site.taken_down.clear()


@pytest.mark.parametrize(("url", "tab"), [
    ("https://www.youtube.com/@someone", "https://www.youtube.com/@someone/playlists"),
    ("https://www.youtube.com/channel/UCabc/", "https://www.youtube.com/channel/UCabc/playlists"),
    ("http://127.0.0.1:8000/channel/chan-lists", "http://127.0.0.1:8000/channel/chan-lists/playlists"),
    ("https://www.youtube.com/@someone/videos", None),  # already a tab
    ("https://www.youtube.com/playlist?list=PLx", None),  # a playlist has no tabs
    ("http://127.0.0.1:8000/feeds/podcast.xml", None),  # a feed neither
    ("https://example.com/", None),
])
def test_the_playlists_tab_of_a_channel_url(url, tab):
    assert playlists.playlists_tab_url(url) == tab


@pytest.mark.parametrize(("raw", "ok"), [("PLfxBest", True), ("PL_a-9", True), ("uploads", False), ("../x", False),
                                         ("a.b", False), ("", False), ("P" * 65, False)])
def test_only_a_path_safe_id_names_a_playlist(raw, ok):
    assert (playlists.valid_playlist_id(raw) == raw) is ok


def test_a_playlists_tab_entry_becomes_a_ref_and_junk_does_not():
    ref = playlists.to_ref({"_type": "url", "url": "https://www.youtube.com/playlist?list=PLq", "title": "Q"})
    assert ref == playlists.PlaylistRef("PLq", "Q", "https://www.youtube.com/playlist?list=PLq")
    assert playlists.to_ref({"_type": "url", "url": "https://x/playlist?list=../etc"}) is None
    assert playlists.to_ref("not a dict") is None
    assert playlists.playlist_id_of("https://www.youtube.com/watch?v=a&list=PLz&index=2") == "PLz"


def test_the_tab_lists_its_playlists_in_its_order(site):
    refs = playlists.list_channel_playlists(f"{site.base_url}/channel/{catalog.LISTS_CHANNEL_ID}")
    assert [r.playlist_id for r in refs] == list(catalog.PLAYLIST_TABS[catalog.LISTS_CHANNEL_ID])
    assert [r.title for r in refs] == [catalog.PLAYLISTS[p].title for p in catalog.PLAYLIST_TABS["chan-lists"]]
    assert all(r.url == f"{site.base_url}/playlist?list={r.playlist_id}" for r in refs)


def test_a_channel_without_playlists_has_none_and_one_request(site):
    assert playlists.list_channel_playlists(f"{site.base_url}/channel/chan-retry") == []
    assert site.request_counts() == {"/api/channel/chan-retry/playlists.json": 1}


def test_a_playlist_is_listed_in_its_own_order_across_pages_with_its_private_entry(site):
    listed = playlists.list_playlist(f"{site.base_url}/playlist?list=PLfxMixed", 100)
    assert [e.video_id for e in listed.entries] == list(catalog.PLAYLISTS["PLfxMixed"].video_ids)
    assert [e.position for e in listed.entries] == [1, 2, 3, 4]
    assert listed.entries[1].title == "[Private video]"
    assert (listed.playlist_id, listed.title, listed.channel_id) == ("PLfxMixed", "Mixed bag", "chan-lists")
    assert not listed.truncated
    assert site.request_count("/api/playlist/PLfxMixed.json") == 2  # two pages of two, no video page
    assert not [p for p in site.request_counts() if p.startswith("/api/video/")]


def test_a_playlist_is_read_only_up_to_its_bound(site):
    listed = playlists.list_playlist(f"{site.base_url}/playlist?list=PLfxBest", 2)
    assert [e.video_id for e in listed.entries] == ["vid-lists-03", "vid-main-01"]
    assert listed.truncated


def test_a_playlist_gone_upstream_is_a_permanent_failure(site):
    site.taken_down.add("PLfxGone")
    with pytest.raises(playlists.ListingFailed) as failed:
        playlists.list_playlist(f"{site.base_url}/playlist?list=PLfxGone", 10)
    assert failed.value.permanent


@pytest.mark.parametrize("path", ["/watch/vid-main-01", "/nothing-here", "/playlist?list=PLnope", "/@fixturelists"])
def test_a_url_that_is_no_playlist_is_the_users_error(site, path):
    with pytest.raises(UserError):
        playlists.check_playlist_url(f"{site.base_url}{path}", 10)
