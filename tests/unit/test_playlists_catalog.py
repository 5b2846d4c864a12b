"""channels_app.playlists and its pages without the stack: entries shown with their videos' status (the
playlist's own channel first), the playlist bar of a video page (?list=&index=), the web's "Add playlist"
refusing a bad URL with a message, and uploads.json's rewrite asked for once per burst (a real Redis)."""
from __future__ import annotations

import pytest

from archiver import tree
from archiver.state import uploads_rewrite
from channels_app import playlists
from channels_app.models import Channel, Playlist, PlaylistEntry, Video
from tests.unit.test_web_pages import login

pytestmark = pytest.mark.django_db


def _channel(cid: str) -> Channel:
    return Channel.objects.create(id=cid, url=f"https://example.org/{cid}", source_url="x", extractor="x", raw_id=cid,
                                  title=f"Channel {cid}")


@pytest.fixture
def listed(settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path
    own, other = _channel("site-own"), _channel("site-other")
    Video.objects.create(channel=own, video_id="v1", raw_id="v1", url="u", title="One", status="archived",
                         video_file="video.mp4")
    Video.objects.create(channel=own, video_id="v3", raw_id="v3", url="u", title="Three", status="failed")
    Video.objects.create(channel=other, video_id="v1", raw_id="v1", url="u", title="One elsewhere", status="new")
    Video.objects.create(channel=other, video_id="v4", raw_id="v4", url="u", title="Four", status="archived",
                         video_file="video.mp4")
    for channel, vid in ((own, "v1"), (other, "v4")):
        folder = tree.video_dir(tmp_path, channel.id, vid)
        folder.mkdir(parents=True)
        (folder / "video.mp4").write_bytes(b"\0" * 64)
    playlist = Playlist.objects.create(channel=own, playlist_id="PLx", title="Mix", url="https://example.org/p",
                                       entry_count=4)
    PlaylistEntry.objects.bulk_create([PlaylistEntry(playlist=playlist, position=n, video_id=vid, title=title)
                                       for n, (vid, title) in enumerate([("v4", "Four"), ("v2", "[Private video]"),
                                                                         ("v1", "One"), ("v3", "Three")], 1)])
    return playlist


def test_entries_show_in_order_with_the_status_of_the_playlists_own_channel_first(listed):
    shown = playlists.shown_entries(listed)
    assert [(e.position, e.video_id, e.status, e.channel_id, e.archived) for e in shown] == [
        (1, "v4", "archived", "site-other", True), (2, "v2", "unknown", "", False),
        (3, "v1", "archived", "site-own", True), (4, "v3", "failed", "site-own", False)]
    assert shown[1].pk is None and shown[2].title == "One"


def test_the_playlist_page_and_the_bar_of_a_video_played_from_it(listed):
    client = login("reader", False)
    page = client.get("/channels/site-own/playlists/PLx/").content.decode()
    assert 'id="play-all" href="/channels/site-other/videos/v4/?list=PLx&amp;index=1"' in page
    assert "not in the archive" in page and page.index("Four") < page.index("Three")
    assert client.get("/channels/site-own/playlists/PLnone/").status_code == 404
    assert "Mix" in client.get("/channels/site-own/").content.decode()  # the channel page's section
    bar = client.get("/channels/site-other/videos/v4/?list=PLx&index=1").content.decode()
    assert 'data-next="/channels/site-own/videos/v1/?list=PLx&amp;index=3"' in bar and "1 of 4" in bar
    assert 'id="playlist-bar"' not in client.get("/channels/site-other/videos/v4/?list=PLx&index=2").content.decode()
    assert 'id="playlist-bar"' not in client.get("/channels/site-other/videos/v4/?list=PLx&index=x").content.decode()
    last = client.get("/channels/site-own/videos/v1/?list=PLx&index=3").content.decode()
    assert 'data-next=""' in last and 'id="playlist-previous"' in last  # v3 failed: nothing to play after it


def test_add_playlist_on_the_web_refuses_a_bad_url_with_a_message_and_needs_an_editor(listed):
    editor = login("editor", True)
    answer = editor.post("/channels/site-own/playlists/add/", {"url": "ftp://nowhere", "next": "/channels/site-own/"},
                         follow=True)
    assert answer.status_code == 200 and "playlist" in answer.content.decode().lower()
    assert Playlist.objects.filter(channel_id="site-own").count() == 1
    assert login("reader", False).post("/channels/site-own/playlists/add/", {"url": "x"}).status_code == 403


def test_uploads_json_rewrites_are_asked_for_once_per_burst(redis_client):
    uploads_rewrite.release(redis_client, "site-burst")
    assert uploads_rewrite.claim(redis_client, "site-burst", 30)
    assert not uploads_rewrite.claim(redis_client, "site-burst", 30)  # the rest of the burst sends nothing
    uploads_rewrite.release(redis_client, "site-burst")  # the rewrite started: the next outcome asks again
    assert uploads_rewrite.claim(redis_client, "site-burst", 30)
    assert 0 < redis_client.pttl(uploads_rewrite.rewrite_key("site-burst")) <= 30_000
    uploads_rewrite.release(redis_client, "site-burst")


def test_an_added_playlist_is_listed_in_its_order_and_written_once_per_playlist(settings, tmp_path, fixture_site,
                                                                                 monkeypatch):
    settings.ARCHIVE_ROOT = tmp_path
    channel = _channel("site-add")
    url = f"{fixture_site.base_url}/playlist?list=PLfxMixed"
    written = []
    receiver = lambda sender, channel_id, playlist_ids, **kw: written.append((channel_id, playlist_ids))  # noqa: E731
    playlists.archive_events.playlists_written.connect(receiver, weak=False)
    try:
        monkeypatch.setattr(playlists, "ADD_ENTRIES", 3)  # within the request: the first three, the rest later
        playlist, created = playlists.add_playlist(channel, url)
        assert created and playlist.truncated and playlist.entry_count == 3
        monkeypatch.setattr(playlists, "ADD_ENTRIES", 200)
        again, created = playlists.add_playlist(channel, url)
        assert not created and again.pk == playlist.pk and again.entry_count == 4 and not again.truncated
    finally:
        playlists.archive_events.playlists_written.disconnect(receiver)
    assert written == [("site-add", ["PLfxMixed"])] * 2
    assert list(PlaylistEntry.objects.filter(playlist=again).values_list("video_id", flat=True)) == [
        "vid-lists-04", "vid-lists-hidden", "vid-lists-02", "vid-lists-03"]
    on_disk = playlists.playlist_file.read(tree.playlist_path(tmp_path, "site-add", "PLfxMixed"))
    assert [e.video_id for e in on_disk.entries] == ["vid-lists-04", "vid-lists-hidden", "vid-lists-02",
                                                     "vid-lists-03"]
    assert on_disk.title == "Mixed bag" and on_disk.url.endswith("/playlist?list=PLfxMixed")
