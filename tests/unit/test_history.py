"""Reading videos' own pages for their history (real yt-dlp against the fixture site, in-process)."""
from __future__ import annotations

import pytest

from archiver.ytdlp import params
from channels_app import history
from channels_app.models import Channel, Video
from tests.fixture_site import catalog

pytestmark = pytest.mark.django_db


def test_pages_fill_in_first_then_record_each_change_and_a_takedown(fixture_site):
    channel = Channel.objects.create(id="site-h", url=f"{fixture_site.base_url}/channel/chan-slow")
    ids = ["vid-slowchan-01", "vid-slowchan-02", catalog.PRIVATE_ID]
    for vid in ids:
        Video.objects.create(channel=channel, video_id=vid, raw_id=vid, url=f"{fixture_site.base_url}/watch/{vid}",
                             title=catalog.VIDEOS[vid].title, status="archived")
    try:
        assert history.refresh_pages(channel, params.Options(), limit=10) == 1  # only the private one changed
        first = Video.objects.get(video_id="vid-slowchan-01")
        assert first.view_count and first.like_count and first.description.startswith("Description of")
        assert Video.objects.get(video_id=catalog.PRIVATE_ID).availability == "private"

        fixture_site.extra_views["vid-slowchan-01"] = 50
        fixture_site.renamed["vid-slowchan-01"] = "Renamed upstream"
        fixture_site.taken_down.add("vid-slowchan-02")
        history.refresh_pages(channel, params.Options(), limit=10)
        changes = {(c.field, c.old, c.new) for c in first.changes.all()}
        # Counts are no change rows (issue 21): the latest on the row, views in its bounded series.
        assert changes == {("title", catalog.VIDEOS["vid-slowchan-01"].title, "Renamed upstream")}
        again = Video.objects.get(pk=first.pk)
        assert again.view_count == first.view_count + 50 and again.like_count == (first.view_count + 50) // 10
        assert again.view_series[-1][1] == first.view_count + 50
        gone = Video.objects.get(video_id="vid-slowchan-02")
        assert gone.availability == "removed" and gone.removed_upstream_at is not None
        assert [(c.field, c.new) for c in gone.changes.all()] == [("availability", "removed")]
        before = Video.objects.get(video_id="vid-slowchan-01").changes.count()
        history.refresh_pages(channel, params.Options(), limit=10)  # nothing new upstream: nothing written
        assert Video.objects.get(video_id="vid-slowchan-01").changes.count() == before
    finally:
        fixture_site.extra_views.clear()
        fixture_site.renamed.clear()
        fixture_site.taken_down.clear()


def test_a_limit_of_zero_reads_nothing(fixture_site):
    channel = Channel.objects.create(id="site-h0", url=f"{fixture_site.base_url}/channel/chan-slow")
    fixture_site.reset()
    assert history.refresh_pages(channel, params.Options(), limit=0) == 0
    assert not any(path.startswith("/api/video/") for path in fixture_site.request_counts())


def test_history_reads_spend_the_sites_budget_through_an_egress_identity(fixture_site, settings, redis_client):
    from archiver.budgets import parse_egress, parse_site_rates
    from archiver.state import egress as egress_state

    settings.YTARCHIVE = {**settings.YTARCHIVE, "SITE_RATES": parse_site_rates("127.0.0.1=2/1h"),
                          "EGRESS": parse_egress("source:127.0.0.3")}
    channel = Channel.objects.create(id="site-hb", url=f"{fixture_site.base_url}/channel/chan-slow")
    for vid in ("vid-slowchan-01", "vid-slowchan-02", catalog.SLOW_ID):
        Video.objects.create(channel=channel, video_id=vid, raw_id=vid, url=f"{fixture_site.base_url}/watch/{vid}",
                             title=catalog.VIDEOS[vid].title, status="archived")
    fixture_site.reset()
    history.refresh_pages(channel, params.Options(), limit=10)
    pages = [e for e in fixture_site.request_log() if e.video_page]
    # Through the pool's identity, and spread: the next start waits 20-50 % of 30 min, so a sync
    # does not wait for it (the other pages are read by a later sync).
    assert len(pages) == 1 and {e.address for e in pages} == {"127.0.0.3"}
    assert Video.objects.filter(channel=channel, metadata_checked_at__isnull=True).count() == 2
    assert egress_state.starts_in_window(redis_client, "video", "127.0.0.1", "source:127.0.0.3", 3600) == 1
