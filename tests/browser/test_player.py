"""The player in real Chromium against the running app: resume after a reload, ``?t=``, watched at 90 %,
the mark button, speed, keyboard shortcuts, and the site's chapters and SponsorBlock's on the timeline.

The fixture site's ``vid-player`` (40 s, three chapters, a sponsor segment) is archived once for the module
with the channel's SponsorBlock marks on, so its info.json holds both kinds (library_app.chapters).
"""
from __future__ import annotations

import pytest

from tests.browser import test_web_app as web_app
from tests.fixture_site import catalog
from tests.harness import add_fresh, wait_for

# test_web_app's fixtures and helpers: one Chromium for the module, a fresh context per test whose console
# errors and requests to other hosts fail the test.
browser, page, log_in, shot = web_app.browser, web_app.page, web_app.log_in, web_app.shot

pytestmark = pytest.mark.integration
CHANNEL = f"fixturesite-{catalog.PLAYER_CHANNEL_ID}"
VIDEO_PAGE = f"/channels/{CHANNEL}/videos/{catalog.PLAYER_ID}/"
PLAYER = "document.querySelector('#player')"


@pytest.fixture(scope="module")
def player_video(api, fixture_site):
    """The archived vid-player: its API row (``id`` is what /api/videos/{id}/watch/ takes)."""
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureplayer")
    api.call("PATCH", f"/api/channels/{channel['id']}/", json={"sponsorblock_mark": "sponsor"})
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    progress = api.wait_settled(channel["id"])
    assert progress["archived"] == 1, progress
    return api.get(f"/api/videos/?channel={channel['id']}&video_id={catalog.PLAYER_ID}")["results"][0]


def _state(api, video) -> dict:
    return api.get(f"/api/videos/{video['id']}/watch/")


def _fresh_start(api, video) -> None:
    api.call("PUT", f"/api/videos/{video['id']}/watch/", json={"watched": False, "position": 0})


def _open(page, path: str = VIDEO_PAGE) -> float:
    """Open the video page and wait for its metadata; the media's duration."""
    page.goto(path)
    return page.wait_for_function(f"() => {PLAYER}.readyState >= 1 && {PLAYER}.duration > 0 && {PLAYER}.duration"
                                  ).json_value()


def _now(page) -> float:
    return page.evaluate(f"() => {PLAYER}.currentTime")


def _wait_time(page, low: float, high: float) -> None:
    page.wait_for_function(f"() => {PLAYER}.currentTime >= {low} && {PLAYER}.currentTime <= {high}", timeout=10000)


def test_resume_after_a_reload_and_the_last_position_saved_as_the_page_goes(page, api, player_video):
    page, _watch = page
    _fresh_start(api, player_video)
    log_in(page)
    _open(page)
    assert page.locator("#watch-state").inner_text() == "Not watched yet"
    page.evaluate(f"() => {{ const v = {PLAYER}; v.muted = true; v.pause(); v.currentTime = 15; }}")
    wait_for(lambda: 14.5 <= _state(api, player_video)["position"] <= 15.5, 15, "the seek to be saved")
    page.reload()
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    _wait_time(page, 13, 17)  # resumed where it stopped (±2 s)
    assert "Stopped at 0:15" in page.locator("#watch-state").inner_text()
    page.evaluate(f"() => {{ {PLAYER}.muted = true; return {PLAYER}.play(); }}")
    page.wait_for_function(f"() => {PLAYER}.currentTime >= 17", timeout=15000)
    left_at = _now(page)
    page.goto("/tokens/")  # pagehide: the position is sent as the page goes (fetch keepalive)
    wait_for(lambda: _state(api, player_video)["position"] >= left_at - 0.5, 15, "the position saved on leaving")
    assert not _state(api, player_video)["watched"]
    page.goto("/")  # the home page's "Continue watching" shelf leads back to it
    page.locator("#continue-watching").get_by_role("link", name="Video with chapters").click()
    page.wait_for_url(f"**{VIDEO_PAGE}")
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1")
    _wait_time(page, left_at - 2.5, left_at + 2)


def test_a_link_with_t_starts_there(page, api, player_video):
    page, _watch = page
    _fresh_start(api, player_video)
    log_in(page)
    _open(page, VIDEO_PAGE + "?t=3")
    _wait_time(page, 2.5, 3.5)


def test_seeking_to_92_percent_marks_it_watched_and_the_button_unmarks_it(page, api, player_video):
    page, _watch = page
    _fresh_start(api, player_video)
    log_in(page)
    duration = _open(page)
    assert page.get_by_role("button", name="Mark watched").is_visible()
    page.evaluate(f"() => {{ {PLAYER}.muted = true; {PLAYER}.currentTime = {duration * 0.92}; }}")
    page.locator("#watch-state", has_text="Watched").wait_for()
    wait_for(lambda: _state(api, player_video)["watched"], 15, "the API to say watched")
    shot(page, "video-player")
    page.get_by_role("button", name="Mark unwatched").click()
    page.get_by_role("button", name="Mark watched").wait_for()
    wait_for(lambda: not _state(api, player_video)["watched"], 15, "the API to say not watched")
    assert _state(api, player_video)["position"] == 0
    page.goto(f"/channels/{CHANNEL}/?watched=no")
    assert page.get_by_role("link", name="Video with chapters").count() == 1


def test_keyboard_shortcuts_and_speed(page, api, player_video):
    page, _watch = page
    _fresh_start(api, player_video)
    log_in(page)
    duration = _open(page)
    page.evaluate(f"() => {{ {PLAYER}.muted = true; return {PLAYER}.play(); }}")
    page.wait_for_function(f"() => !{PLAYER}.paused")
    page.locator("h1").click()  # the focus on the page, not on a control
    page.keyboard.press("k")
    page.wait_for_function(f"() => {PLAYER}.paused")
    page.keyboard.press("k")
    page.wait_for_function(f"() => !{PLAYER}.paused")
    page.keyboard.press(" ")
    page.wait_for_function(f"() => {PLAYER}.paused")
    page.evaluate(f"() => {{ {PLAYER}.currentTime = 5; }}")
    _wait_time(page, 4.9, 5.1)
    page.keyboard.press("l")
    _wait_time(page, 14.5, 15.5)
    page.keyboard.press("j")
    _wait_time(page, 4.5, 5.5)
    page.evaluate(f"() => {{ {PLAYER}.currentTime = {duration - 4}; }}")
    _wait_time(page, duration - 4.1, duration - 3.9)
    page.keyboard.press("l")
    _wait_time(page, duration - 1, duration)  # forward 10 s from 4 s before the end: the end
    showing = f"() => [...{PLAYER}.textTracks].some(t => t.mode === 'showing')"
    page.wait_for_function(showing)
    page.keyboard.press("c")
    page.wait_for_function(f"() => !({showing})()")
    assert page.locator("#captions-toggle").get_attribute("aria-pressed") == "false"
    page.keyboard.press("c")
    page.wait_for_function(showing)
    page.keyboard.press("f")
    page.wait_for_function(f"() => document.fullscreenElement === {PLAYER}")
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement === null")
    page.evaluate("() => { const i = document.createElement('input'); i.id = 'typing'; document.body.append(i); }")
    page.locator("#typing").focus()
    paused = page.evaluate(f"() => {PLAYER}.paused")
    page.keyboard.type("kjl c")
    assert page.evaluate(f"() => {PLAYER}.paused") == paused  # typed letters are text, not shortcuts
    assert page.locator("#typing").input_value() == "kjl c"
    page.get_by_label("Speed").select_option("1.5")
    assert page.evaluate(f"() => {PLAYER}.playbackRate") == 1.5


def test_chapters_are_listed_marked_on_the_timeline_and_seek(page, api, player_video):
    page, _watch = page
    _fresh_start(api, player_video)
    log_in(page)
    _open(page)
    items = page.locator("#chapters li")
    texts = [t.strip() for t in items.all_inner_texts()]
    assert texts[:3] == ["0:00 Opening", "0:12 The middle part", "0:25 Ending"], texts
    assert len(texts) == 4 and "SponsorBlock" in texts[3] and texts[3].startswith("0:16"), texts
    assert page.locator("#timeline .tick").count() == 3 and page.locator("#timeline .segment").count() == 1
    page.evaluate(f"() => {{ {PLAYER}.muted = true; }}")
    page.get_by_role("link", name="0:12").click()
    _wait_time(page, 11.5, 14)
    assert page.url.endswith(VIDEO_PAGE)  # a seek, not a reload
    page.evaluate(f"() => {PLAYER}.pause()")
    page.locator("#timeline .segment").click()
    _wait_time(page, 15.5, 16.5)
    page.get_by_role("button", name="Chapter: Ending at 0:25").click()
    _wait_time(page, 24.5, 25.5)
