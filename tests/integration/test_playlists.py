"""Playlists archived (issue 26), against the running stack: the fixture's chan-lists channel's playlists tab
is listed after its sync, in order, into playlists/{id}.json; the API and the CLI show them with each
video's status; a playlist URL is added by POST (a bad URL is a 400); a playlist taken down upstream is kept
and marked. And uploads.json has every archived video's upload date once the first sync has settled."""
from __future__ import annotations

import json

import pytest

from archiver import playlist_file, tree
from tests.fixture_site import catalog
from tests.harness import Api, add_fresh, cli, sync_and_wait_listed, wait_for

pytestmark = pytest.mark.integration

CHANNEL = "fixturesite-chan-lists"
TAB = catalog.PLAYLIST_TABS[catalog.LISTS_CHANNEL_ID]


def _listed(api: Api, channel_id: str, ids) -> list[dict] | None:
    rows = api.get(f"/api/channels/{channel_id}/playlists/")
    return rows if {r["playlist_id"] for r in rows} >= set(ids) and all(r["updated_at"] for r in rows) else None


@pytest.fixture(scope="module")
def synced(api: Api, fixture_site, archive_root):
    fixture_site.taken_down.discard("PLfxGone")
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturelists")
    assert channel["id"] == CHANNEL
    sync_and_wait_listed(api, CHANNEL)
    rows = wait_for(lambda: _listed(api, CHANNEL, TAB), 120, "the playlists to be listed")
    assert all(tree.playlist_path(archive_root, CHANNEL, p).is_file() for p in TAB)  # written before listed
    yield rows
    fixture_site.taken_down.discard("PLfxGone")


def test_the_playlists_tab_is_archived_in_order(synced, archive_root):
    assert [r["playlist_id"] for r in synced] == list(TAB)  # the tab's order, not by title
    assert [r["position"] for r in synced] == [1, 2, 3]
    for playlist_id in TAB:
        written = playlist_file.read(tree.playlist_path(archive_root, CHANNEL, playlist_id))
        assert written is not None and written.channel_id == CHANNEL
        assert [e.video_id for e in written.entries] == list(catalog.PLAYLISTS[playlist_id].video_ids)
        assert [e.position for e in written.entries] == list(range(1, len(written.entries) + 1))
        assert written.title == catalog.PLAYLISTS[playlist_id].title
    assert {p.id for p in playlist_file.read_all(archive_root, CHANNEL)} == set(TAB)


def test_a_playlist_shows_each_videos_status_in_order(api: Api, synced):
    api.wait_settled(CHANNEL)
    detail = api.get(f"/api/playlists/{CHANNEL}/PLfxMixed/")
    assert [e["video_id"] for e in detail["entries"]] == list(catalog.PLAYLISTS["PLfxMixed"].video_ids)
    by_id = {e["video_id"]: e for e in detail["entries"]}
    assert by_id["vid-lists-04"]["archived"] and by_id["vid-lists-04"]["status"] == "archived"
    assert by_id["vid-lists-04"]["channel_id"] == CHANNEL and by_id["vid-lists-04"]["id"]
    assert by_id[catalog.LISTS_PRIVATE_ID]["status"] == "unknown"  # in no channel's listing
    assert not by_id[catalog.LISTS_PRIVATE_ID]["archived"] and by_id[catalog.LISTS_PRIVATE_ID]["id"] is None
    api.get(f"/api/playlists/{CHANNEL}/PLnothing/", expect=404)


def test_the_cli_lists_playlists_and_one_playlists_videos(logged_in, synced):
    listing = cli(logged_in, "playlists", CHANNEL).stdout
    assert [line.split()[0] for line in listing.splitlines()[1:]] == list(TAB)
    rows = json.loads(cli(logged_in, "playlists", CHANNEL, "PLfxBest", "--json").stdout)["entries"]
    assert [r["video_id"] for r in rows] == list(catalog.PLAYLISTS["PLfxBest"].video_ids)
    shown = cli(logged_in, "playlists", CHANNEL, "PLfxBest").stdout
    assert "Best of lists [PLfxBest]" in shown and "vid-main-01" in shown
    cli(logged_in, "playlists", CHANNEL, "PLnothing", expect=1)


def test_a_library_view_gets_each_playlist_as_an_m3u8_in_order(api: Api, synced, library_root):
    """The refresh's playlists/*.json become .m3u8 files in the channel's media-server view: each entry in the
    playlist's order, a file that exists, with its duration; what is not archived here is left out."""
    api.wait_settled(CHANNEL)
    api.call("PATCH", f"/api/channels/{CHANNEL}/", json={"library_layout": "jellyfin"})
    sync_and_wait_listed(api, CHANNEL)  # the refresh after it sends playlists_written again
    archived = {v["video_id"] for v in api.videos(CHANNEL) if v["status"] == "archived"}

    def written():
        found = {p.name: p for p in (library_root / "jellyfin").glob("*/*.m3u8")}
        return found if {f"[{pid}].m3u8" for pid in ("PLfxMixed",)} <= {n.rsplit(" ", 1)[-1] for n in found} \
            else None
    found = wait_for(written, 120, "the channel's view to get its playlists")
    mixed = next(p for name, p in found.items() if name.endswith("[PLfxMixed].m3u8"))
    lines = mixed.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    files = [mixed.parent / line for line in lines if line and not line.startswith("#")]
    infos = [line for line in lines if line.startswith("#EXTINF:")]
    assert files and all(f.is_file() for f in files) and len(infos) == len(files)
    assert all(float(line[len("#EXTINF:"):].split(",", 1)[0]) > 0 for line in infos)  # durations known
    expected = [v for v in catalog.PLAYLISTS["PLfxMixed"].video_ids if v in archived]
    assert [next(v for v in expected if f"[{v}]" in f.name) for f in files] == expected  # the playlist's order
    api.call("PATCH", f"/api/channels/{CHANNEL}/", json={"library_layout": "off"})
    wait_for(lambda: not mixed.exists(), 60, "the view to go with the layout")


def test_a_playlist_url_is_added_and_a_bad_one_refused(api: Api, synced, fixture_site, logged_in, archive_root):
    url = f"{fixture_site.base_url}/playlist?list=PLfxOther"
    added = api.post(f"/api/channels/{CHANNEL}/playlists/", expect=(200, 201), json={"url": url})
    assert added["playlist_id"] == "PLfxOther" and added["source"] == "added" and added["entry_count"] == 2
    written = playlist_file.read(tree.playlist_path(archive_root, CHANNEL, "PLfxOther"))
    assert [e.video_id for e in written.entries] == ["vid-main-02", "vid-lists-01"]
    again = api.post(f"/api/channels/{CHANNEL}/playlists/", expect=200, json={"url": url})
    assert again["playlist_id"] == "PLfxOther"
    for bad in (f"{fixture_site.base_url}/watch/vid-lists-01", f"{fixture_site.base_url}/playlist?list=PLnope",
                "not a url"):
        refused = api.post(f"/api/channels/{CHANNEL}/playlists/", expect=400, json={"url": bad})
        assert refused["detail"], refused
    out = cli(logged_in, "playlists", CHANNEL, "--add", f"{fixture_site.base_url}/watch/vid-lists-01", expect=1)
    assert "playlist" in out.stderr


def test_a_playlist_gone_upstream_is_kept_and_marked(api: Api, synced, fixture_site, archive_root, logged_in):
    fixture_site.taken_down.add("PLfxGone")
    sync_and_wait_listed(api, CHANNEL)

    def marked():
        rows = {r["playlist_id"]: r for r in api.get(f"/api/channels/{CHANNEL}/playlists/")}
        return rows if rows["PLfxGone"]["removed_upstream"] else None
    rows = wait_for(marked, 120, "the taken-down playlist to be marked")
    assert rows["PLfxGone"]["removed_upstream_at"] and not rows["PLfxMixed"]["removed_upstream"]
    kept = playlist_file.read(tree.playlist_path(archive_root, CHANNEL, "PLfxGone"))
    assert kept is not None and [e.video_id for e in kept.entries] == ["vid-lists-02"]  # the file stays
    assert [e["video_id"] for e in api.get(f"/api/playlists/{CHANNEL}/PLfxGone/")["entries"]] == ["vid-lists-02"]
    assert "removed upstream" in cli(logged_in, "playlists", CHANNEL).stdout


def test_uploads_json_has_every_archived_videos_date_after_the_first_sync(api: Api, fixture_site, archive_root):
    """The fixture's listing gives no dates (as YouTube's): they come with each download's outcome."""
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureretry")
    sync_and_wait_listed(api, channel["id"])
    api.wait_settled(channel["id"])
    archived = {v["video_id"]: v for v in api.videos(channel["id"]) if v["status"] == "archived"}
    assert archived
    path = tree.uploads_playlist_path(archive_root, channel["id"])

    def dated():
        entries = {e["id"]: e for e in json.loads(path.read_text())["videos"]}
        return entries if all(entries.get(vid, {}).get("upload_date") for vid in archived) else None
    entries = wait_for(dated, 60, "uploads.json to have every archived video's upload date")
    for vid in archived:
        assert entries[vid]["upload_date"] == catalog.VIDEOS[vid].upload_date
