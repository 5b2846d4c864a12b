"""Failures explained in plain words, end to end: real sync, real download workers, real yt-dlp against fixture
videos that fail as YouTube's do (in the words yt-dlp reports them). Each shows its reason and hint in the API,
the web pages (yt-dlp's own words one click away) and the CLI, and the failure notification says the hint.

The bot check pauses the whole site (every download from 127.0.0.1 waits), so it runs apart, on a channel of its
own, and the test resumes the site before it ends whatever happens.
"""
from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest
import requests

from tests.conftest import ADMIN
from tests.fixture_site import catalog
from tests.harness import Api, add_fresh, cli, wait_for

pytestmark = pytest.mark.integration
SITE = "127.0.0.1"
PERMANENT = {"members_only", "private", "removed", "geo_blocked", "age_restricted", "format_unavailable"}
#: Words each hint must say: what it means, and the fix.
HINT_WORDS = {
    "members_only": ["members", "cookies"],
    "private": ["private", "Nothing to do"],
    "removed": ["gone", "Nothing to do"],
    "geo_blocked": ["country", "YTARCHIVE_EGRESS"],
    "age_restricted": ["adults", "cookies"],
    "format_unavailable": ["formats", "download options"],
    "extractor_broken": ["Update yt-dlp", "days ago", "retries are used up"],
    "bot_check": ["bot check", "cookies", "PO-token provider", "YTARCHIVE_EGRESS", "paused until"],
}


def web_session(stack) -> requests.Session:
    """A browser's session: logged in through the login form (CSRF cookie and all)."""
    session = requests.Session()
    session.get(f"{stack.base_url}/login/", timeout=30)
    response = session.post(f"{stack.base_url}/login/", timeout=30, allow_redirects=False,
                            data={**ADMIN, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                            headers={"Referer": f"{stack.base_url}/login/"})
    assert response.status_code == 302, response.text[:500]
    return session


def page_text(session: requests.Session, url: str) -> str:
    response = session.get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.text)


def assert_shown(page: str, video: dict, where: str) -> None:
    """The page shows the hint, and yt-dlp's words inside the closed <details> after it (once per video)."""
    assert f'data-reason="{video["reason"]}"' in page, (where, video["video_id"])
    assert video["hint"] in page, (where, video["video_id"])
    raw = f'({video["reason"]})</summary><pre>{video["last_error"]}</pre></details>'
    assert raw in page, (where, video["video_id"])
    assert page.count(f'data-reason="{video["reason"]}"') == page.count(video["last_error"]), where


def test_each_failure_shows_its_reason_and_hint_in_api_web_cli_and_notifications(api: Api, stack, fixture_site,
                                                                                  logged_in, notify_sink):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturefailures")
    told_from = notify_sink.mark()
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    videos = {v["video_id"]: v for v in api.videos(channel["id"])}
    assert set(videos) == set(catalog.FAILURE_REASONS)

    for vid, reason in catalog.FAILURE_REASONS.items():
        video = videos[vid]
        assert video["status"] == "failed" and video["reason"] == reason, video
        for word in HINT_WORDS[reason]:
            assert word in video["hint"], (reason, word, video["hint"])
        if reason in PERMANENT:  # tried once: it is the video, not the moment
            assert video["failure_kind"] == "permanent" and video["attempts"] == 1, video
        else:  # a broken extractor is worth trying again later: retried, then left for a hand (or a new yt-dlp)
            assert video["failure_kind"] == "transient" and video["attempts"] == video["max_attempts"], video
            assert video["dead_letter"] and "please report this issue" in video["last_error"]
    # The words came from yt-dlp as YouTube's refusals make it speak, not from ytarchive.
    assert "Sign in to confirm your age" in videos["vid-fail-age"]["last_error"]
    assert "not made this video available in your country" in videos["vid-fail-geo"]["last_error"]
    assert "Requested format is not available" in videos["vid-fail-format"]["last_error"]

    web = web_session(stack)
    channel_page = page_text(web, f"{stack.base_url}/channels/{channel['id']}/")
    for video in videos.values():
        assert_shown(channel_page, video, "channel page")
        assert_shown(page_text(web, f"{stack.base_url}/channels/{channel['id']}/videos/{video['video_id']}/"),
                     video, "video page")
    assert_shown(page_text(web, f"{stack.base_url}/queue/"), videos["vid-fail-broken"], "queue page dead letters")

    human = cli(logged_in, "videos", channel["id"], "--status", "failed").stdout
    for vid, reason in catalog.FAILURE_REASONS.items():
        line = next(line for line in human.splitlines() if line.startswith(vid))
        assert line.rstrip().endswith(f"[{reason}]") and videos[vid]["hint"][:40] in line, line
    as_json = {v["video_id"]: v for v in json.loads(cli(logged_in, "videos", channel["id"], "--json").stdout)}
    assert {vid: v["reason"] for vid, v in as_json.items()} == catalog.FAILURE_REASONS

    def told():  # one message per round: the permanent ones first, the dead letter once its retries ran out
        bodies = "\n".join(m["message"] for m in notify_sink.messages("/all", since=told_from)
                           if "failed for good: Fixture Failures Channel" in m.get("title", ""))
        return bodies if all(f"[{reason}]" in bodies for reason in catalog.FAILURE_REASONS.values()) else None
    body = wait_for(told, 60, "every failure to be notified")
    for vid, reason in catalog.FAILURE_REASONS.items():
        assert f"{videos[vid]['hint']} [{reason}]" in body, (reason, body)
        assert videos[vid]["last_error"] not in body  # the hint, not yt-dlp's words
    api.call("DELETE", f"/api/channels/{channel['id']}/?delete_files=true", expect=204)


def test_a_bot_check_shows_until_when_the_site_waits_and_costs_no_attempt(api: Api, stack, fixture_site, logged_in):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturebotcheck")
    fixture_site.reset()  # the bot check answers the video's first request again
    try:
        api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
        video = wait_for(lambda: next((v for v in api.videos(channel["id"])
                                       if v["status"] == "retrying" and v["failure_kind"] == "blocked"), None),
                         120, "the bot check to pause the site")
        assert video["reason"] == "bot_check" and video["attempts"] == 0, video
        for word in HINT_WORDS["bot_check"]:
            assert word in video["hint"], (word, video["hint"])
        until = re.search(r"paused until (\S+ \S+) UTC", video["hint"]).group(1)
        next_attempt = datetime.fromisoformat(video["next_attempt_at"].replace("Z", "+00:00")).astimezone(UTC)
        assert f"{next_attempt:%Y-%m-%d %H:%M}" == until  # the pause's end is the video's next attempt
        assert "you\u2019re not a bot" in video["last_error"]  # YouTube's own wording, curly apostrophe and all

        web = web_session(stack)
        assert_shown(page_text(web, f"{stack.base_url}/channels/{channel['id']}/videos/{video['video_id']}/"),
                     video, "video page")
        assert_shown(page_text(web, f"{stack.base_url}/queue/"), video, "queue page")
        line = next(line for line in cli(logged_in, "videos", channel["id"]).stdout.splitlines()
                    if line.startswith(video["video_id"]))
        assert "retrying at" in line and line.rstrip().endswith("[bot_check]") and "paused until" in line, line
    finally:
        api.post(f"/api/sites/{SITE}/resume/", expect=202)
    api.wait_settled(channel["id"])
    archived = api.videos(channel["id"])[0]
    assert archived["status"] == "archived" and archived["attempts"] == 1  # the bot check cost no attempt
    assert archived["reason"] is None and archived["hint"] is None
    api.call("DELETE", f"/api/channels/{channel['id']}/?delete_files=true", expect=204)
