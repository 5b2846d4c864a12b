"""A bot check or 429 pauses the whole site: the queue is not burnt, nothing counts as an attempt, and
the downloads go again when the pause ends (here: when an operator resumes it through the API).

Real workers, real yt-dlp, against the fixture site answering 429 on demand.
"""
from __future__ import annotations

import pytest
import requests

from tests.fixture_site import catalog
from tests.harness import add_fresh, wait_for

pytestmark = pytest.mark.integration
SITE = "127.0.0.1"


def test_a_429_pauses_the_site_until_resumed(api, stack, fixture_site, notify_sink):
    fixture_site.slow_rate = 10 * 1024 * 1024
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")
    fixture_site.reset()
    told_before = notify_sink.mark()  # other tests' stacks tell the same sink of their own pauses
    fixture_site.answer_429 = True
    try:
        api.post(f"/api/channels/{channel['id']}/sync/", expect=202)

        def all_waiting():
            videos = api.videos(channel["id"])
            return videos if videos and all(v["status"] == "retrying" for v in videos) else None
        videos = wait_for(all_waiting, 90, "every video to wait for the paused site")
        for video in videos:
            assert video["failure_kind"] == "blocked" and video["attempts"] == 0, video  # not counted
            assert ("429" in video["last_error"] and "paused until" in video["last_error"]) or \
                "Too Many Requests" in video["last_error"], video
        # The pause stops the queue from being burnt: no retries against the site while it lasts.
        asked = sum(n for path, n in fixture_site.request_counts().items() if path.startswith("/api/video/"))
        assert 1 <= asked <= len(videos)
        paused = {s["site"]: s for s in api.get("/api/sites/")}
        assert paused[SITE]["waiting"] == len(videos) and paused[SITE]["strikes"] == 1
        assert "429" in paused[SITE]["reason"] or "Too Many" in paused[SITE]["reason"]
        metrics = requests.get(f"{stack.base_url}/metrics", timeout=10).text
        assert f'ytarchive_site_paused_until_seconds{{identity="direct",site="{SITE}"}}' in metrics
        assert 'ytarchive_downloads_total{status="paused"}' in metrics
        told = wait_for(lambda: [m for m in notify_sink.messages("/all", since=told_before)
                                 if m.get("title", "").startswith(f"Downloads from {SITE} paused until")], 30,
                        "the pause to be notified")
        assert len(told) == 1 and "resume" in told[0]["message"]  # once per pause, however many videos wait
        queue_page = api.session.get(f"{stack.base_url}/queue/", timeout=10)
        assert queue_page.status_code in (200, 302)  # (the page itself is checked in the browser tests)
    finally:
        fixture_site.answer_429 = False
        resumed = api.post(f"/api/sites/{SITE}/resume/", expect=202)["resumed"]
    assert resumed >= 1
    assert api.get("/api/sites/") == []
    api.wait_settled(channel["id"])
    videos = api.videos(channel["id"])
    assert all(v["status"] == "archived" and v["attempts"] == 1 for v in videos), videos
    assert catalog.SLOW_ID in {v["video_id"] for v in videos}


def test_resume_refuses_a_bad_site_name(api):
    body = api.post("/api/sites/not%20a%20host/resume/", expect=400)
    assert "host name" in body["detail"]
