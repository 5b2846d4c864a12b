"""Incremental syncs are right for any listing order (issue 21, item 7): a feed listed oldest first
grows at its end; the next (incremental) sync must find what was appended, not stop at the first
video it already knows."""
from __future__ import annotations

import pytest

from tests.fixture_site import catalog
from tests.harness import add_fresh, sync_and_wait_listed

pytestmark = pytest.mark.integration

APPENDED = "vid-main-04"


def test_an_item_appended_to_an_oldest_first_feed_is_found_by_an_incremental_sync(api, fixture_site):
    channel = add_fresh(api, f"{fixture_site.base_url}/feeds/oldest-first.xml")
    cid = channel["id"]
    try:
        first = sync_and_wait_listed(api, cid)  # the first listing is a full one
        assert first["videos_seen"] == len(catalog.FEED_VIDEO_IDS)
        assert api.get(f"/api/channels/{cid}/")["last_full_index_at"]
        fixture_site.feed_appended.append(APPENDED)
        second = sync_and_wait_listed(api, cid)  # incremental: the channel has a full index
        assert second["full"] is False
        listed = {v["video_id"] for v in api.videos(cid)}
        assert APPENDED in listed, (second, sorted(listed))
        assert second["videos_new"] == 1
    finally:
        fixture_site.feed_appended.clear()
    api.wait_settled(cid)
    api.call("DELETE", f"/api/channels/{cid}/?delete_files=true", expect=204)
