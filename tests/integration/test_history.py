"""Metadata history (issue 15): a title changed and a video taken down between two syncs appear in the
history; the history grows by changes only; the removed video's archived copy stays, and its return is
recorded too."""
from __future__ import annotations

import pytest

from tests.harness import add_fresh, cli

pytestmark = pytest.mark.integration

RENAMED, TAKEN_DOWN = "vid-slowchan-01", "vid-slowchan-02"


def full_sync(api, channel_id):
    api.post(f"/api/channels/{channel_id}/sync/?full=true", expect=202)
    return api.wait_settled(channel_id)


def test_a_title_change_and_a_removal_upstream_are_in_the_history(api, fixture_site, archive_root, logged_in):
    fixture_site.slow_rate = 10 * 1024 * 1024
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")
    cid = channel["id"]
    full_sync(api, cid)
    by_id = {v["video_id"]: v for v in api.videos(cid)}
    assert all(api.get(f"/api/videos/{v['id']}/history/") == [] for v in by_id.values())  # a first listing: none
    old_title = by_id[RENAMED]["title"]
    try:
        fixture_site.renamed[RENAMED] = "A better title"
        fixture_site.taken_down.add(TAKEN_DOWN)
        full_sync(api, cid)
        renamed = api.get(f"/api/videos/{by_id[RENAMED]['id']}/history/")
        assert [(c["field"], c["old"], c["new"]) for c in renamed] == [("title", old_title, "A better title")]
        assert api.get(f"/api/videos/{by_id[RENAMED]['id']}/")["title"] == "A better title"
        gone = api.get(f"/api/videos/{by_id[TAKEN_DOWN]['id']}/")
        assert gone["availability"] == "removed" and gone["removed_upstream_at"] and gone["status"] == "archived"
        assert [(c["field"], c["old"], c["new"]) for c in api.get(f"/api/videos/{gone['id']}/history/")] == [
            ("availability", "public", "removed")]
        assert (archive_root / cid / "videos" / TAKEN_DOWN / gone["video_file"]).is_file()  # the copy stays
        shown = cli(logged_in, "history", f"{cid}/{TAKEN_DOWN}").stdout
        assert "removed upstream on" in shown and "availability" in shown

        full_sync(api, cid)  # nothing changed since: nothing written
        assert len(api.get(f"/api/videos/{by_id[RENAMED]['id']}/history/")) == 1
        assert len(api.get(f"/api/videos/{gone['id']}/history/")) == 1
    finally:
        fixture_site.renamed.clear()
        fixture_site.taken_down.clear()
    full_sync(api, cid)
    back = api.get(f"/api/videos/{by_id[TAKEN_DOWN]['id']}/")
    assert back["availability"] == "public" and back["removed_upstream_at"] is None
    assert [c["new"] for c in api.get(f"/api/videos/{back['id']}/history/")] == ["removed", "public"]
    assert [c["new"] for c in api.get(f"/api/videos/{by_id[RENAMED]['id']}/history/")] == [
        "A better title", old_title]
