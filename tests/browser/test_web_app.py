"""The web app in real headless Chromium (Debian's package, driven by Playwright) against the running app.

A person's path: log in, add a channel, sync it and watch the bar move to the
end without reloading, open the channel, play a video and seek into it (the
server answers 206), retry a failed video, retry the dead letters from the
queue page, read the API docs offline. Any console error or any request to
another host fails the test. Screenshots of each page go to the run folder (to look at after a failure).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ADMIN
from tests.env_setup import RUN_DIR
from tests.fixture_site import catalog
from tests.harness import add_fresh, wait_for

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# A test run writes its screenshots into its own run folder (the checkout stays clean); README's pictures in
# docs/screenshots/ come from `make screenshots` (tests/browser/screenshots.py) alone.
SHOTS = RUN_DIR / "screenshots"
SLOW = "fixturesite-chan-slow"
RETRY = "fixturesite-chan-retry"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"])
        yield browser
        browser.close()


class Watch:
    """Console errors, page errors, requests to other hosts and media responses of one page."""

    def __init__(self, page, base_url: str):
        self.errors, self.foreign, self.media_statuses = [], [], []
        app = urlsplit(base_url).netloc
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != app
                and self.foreign.append(r.url))
        page.on("response", lambda r: "/media/" in r.url and self.media_statuses.append(r.status))

    def check(self):
        assert not self.errors, self.errors
        assert not self.foreign, self.foreign


@pytest.fixture
def page(browser, stack):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=stack.base_url)
    page = context.new_page()
    watch = Watch(page, stack.base_url)
    yield page, watch
    context.close()
    watch.check()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def log_in(page) -> None:
    page.goto("/")
    assert "/login/" in page.url
    page.get_by_label("User name").fill(ADMIN["username"])
    page.get_by_label("Password").fill(ADMIN["password"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_add_sync_watch_browse_play_and_seek(page, api, fixture_site, stack):
    page, watch = page
    api.call("DELETE", f"/api/channels/{SLOW}/?delete_files=true", expect=(204, 404))
    page.goto("/login/")
    shot(page, "login")
    log_in(page)
    page.get_by_role("button", name="Add a channel").click()  # the form is in a dialog
    page.get_by_label("Channel or playlist URL").fill(f"{fixture_site.base_url}/@fixtureslow")
    page.get_by_label("Add paused").check()  # the sync starts from the Sync button, once the site is slowed
    page.get_by_role("button", name="Add channel").click()
    page.wait_for_url(f"**/channels/{SLOW}/")
    fixture_site.slow_rate = 300 * 1024  # the slow video takes a few seconds: the bar is seen moving
    page.get_by_role("button", name="Sync", exact=True).click()
    page.goto("/")
    bar = page.locator(f'[data-progress="{SLOW}"] progress')
    seen = set()

    def done():
        seen.add(bar.evaluate("b => b.value + '/' + b.max"))
        return bar.evaluate("b => b.max > 1 && b.value === b.max")
    wait_for(done, 90, "the progress bar to reach the end", poll=0.3)
    assert len(seen) >= 2, seen  # it moved while the page stayed loaded
    assert "3 of 3 archived" in page.locator(f'[data-progress="{SLOW}"] .progress-text').inner_text()
    shot(page, "channels")
    page.get_by_role("link", name="Fixture Slow Channel").click()
    page.wait_for_url(f"**/channels/{SLOW}/")
    page.locator("img[src$='thumbnail.jpg']").first.wait_for()
    shot(page, "channel")
    page.get_by_role("link", name="Slow video (rate-limited)").click()
    video = page.locator("video#player")
    video.wait_for()
    assert page.locator("video#player track[kind=subtitles]").count() == 2
    duration = page.wait_for_function("() => { const v = document.querySelector('#player');"
                                      " return v.readyState >= 1 && v.duration > 0 && v.duration; }").json_value()
    page.evaluate("() => { const v = document.querySelector('#player'); v.muted = true; return v.play(); }")
    page.evaluate(f"() => {{ document.querySelector('#player').currentTime = {duration / 2}; }}")
    page.wait_for_function(f"() => document.querySelector('#player').currentTime >= {duration / 2 - 0.5}"
                           " && document.querySelector('#player').readyState >= 2")
    assert 206 in watch.media_statuses, watch.media_statuses
    shot(page, "video")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    shot(page, "channels-phone")


def test_failed_video_shows_why_and_is_retried_from_the_pages(page, api, fixture_site):
    page, _watch = page
    fixture_site.flaky_failures = 10**6
    try:
        channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureretry")
        api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
        wait_for(lambda: api.get(f"/api/videos/?channel={RETRY}&dead_letter=true")["count"] == 1, 90,
                 "the flaky video to use up its retries")
        log_in(page)
        page.goto(f"/channels/{RETRY}/?status=failed")
        why = page.locator(".why").first
        assert "Retries used up after 4 attempts" in why.inner_text() and "503" in why.inner_text()
        page.goto("/queue/")
        shot(page, "queue")
        fixture_site.flaky_failures = 0
        page.get_by_role("button", name="Retry all 1").click()
        page.get_by_text("1 video(s) requeued.").wait_for()
        wait_for(lambda: api.get(f"/api/videos/?channel={RETRY}&video_id={catalog.RETRY_FLAKY_ID}")["results"][0]
                 ["status"] == "archived", 60, "the retried dead letter to be archived")
    finally:
        fixture_site.flaky_failures = catalog.FLAKY_FAILURES


def test_api_docs_render_offline(page):
    page, _watch = page
    log_in(page)
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info").wait_for(timeout=30000)
    shot(page, "api-docs")


def test_admin_pages_ask_for_nothing_missing(page):
    page, _watch = page
    missing = []
    page.on("response", lambda r: r.status >= 400 and missing.append(f"{r.status} {r.url}"))
    log_in(page)
    for path in ("/admin/", "/admin/channels_app/channel/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/favicon.ico")
    assert page.url.endswith(".svg")
    assert not missing, missing  # the admin's pages name no icon: /favicon.ico is answered, not a 404


def test_screenshots_exist():
    for name in ("login", "channels", "channel", "video", "channels-phone", "queue", "api-docs"):
        assert (SHOTS / f"{name}.png").stat().st_size > 1000, name
    assert Path(SHOTS).is_dir()
