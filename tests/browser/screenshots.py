"""Screenshots of every page, desktop (1280x800) and phone (390x844), light and dark, into docs/screenshots/.

Run by ``make screenshots`` (pytest, on the tests' stack: the app as ``make run`` starts it, the fixture site's
media, the library of tests/browser/library_data.py with a month of stats history, and the fixture site's
player video archived for real, with its chapters and a SponsorBlock segment). Not a test file (no ``test_``
prefix): pytest runs it only when named. Each image is the viewport, not the whole page, so they stay small;
``SCREENSHOTS_DIR`` writes them elsewhere. Look at them after a change of the look.

Two states are put in place for their picture only: downloads in flight on the queue page (tests/browser/
flight_data.py writes what a worker publishes in Redis), and the login page with an OpenID Connect provider
configured (the app in-process, pytest-django's live server with the provider's settings: the button needs only
them; tests/browser/test_signin.py signs in through it for real).
"""
from __future__ import annotations

import logging
import os
from contextlib import nullcontext
from pathlib import Path

import pytest

from tests.browser import library_data as data
from tests.browser.flight_data import downloads_in_flight
from tests.browser.test_web_app import Watch, browser, log_in  # noqa: F401 - browser is a fixture
from tests.fixture_site import catalog
from tests.harness import REPO, add_fresh

# Playwright's sync API runs an event loop in this thread; the live server's database work (the login page's
# pictures) is plain synchronous code: Django's guard would refuse it (as in tests/browser/test_signin.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.integration
log = logging.getLogger(__name__)
OUT = Path(os.environ.get("SCREENSHOTS_DIR") or REPO / "docs" / "screenshots")
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _open_menu(page):
    page.locator("details.menu summary").click()


def _open_add(page):
    page.get_by_role("button", name="Add a channel").click()


def _open_nav(page):
    if page.get_by_role("button", name="Menu").is_visible():
        page.get_by_role("button", name="Menu").click()


def _scroll_to_failure(page):
    page.locator('[data-video="look-05"] .why summary').click()
    page.locator('[data-video="look-05"]').scroll_into_view_if_needed()


def _player_tools(page):
    """The player with its chapters: metadata loaded, a third of the way in, its tools and chapters in view."""
    player = "document.querySelector('#player')"
    page.wait_for_function(f"() => {player}.readyState >= 1")
    page.evaluate(f"() => {{ const p = {player}; p.muted = true; p.currentTime = p.duration / 3; }}")
    page.wait_for_function(f"() => !{player}.seeking && {player}.readyState >= 3 "
                           "&& document.querySelector('#timeline-played').style.width !== ''")
    if page.viewport_size["width"] >= 600:  # a phone shows them under the video already
        page.locator("#timeline").evaluate("e => e.scrollIntoView({block: 'center'})")


def _ask_new_feed_address(page):
    page.get_by_role("button", name="New feed address…").click()
    page.wait_for_load_state("networkidle")


PLAYER_CHANNEL = f"fixturesite-{catalog.PLAYER_CHANNEL_ID}"
# name -> (path, logged in, what to do before the picture)
PAGES = {
    "home": ("/", True, None),
    "home-add": ("/", True, _open_add),
    "home-menu": ("/", True, _open_nav),
    "channel": (f"/channels/{data.CHANNEL}/", True, None),
    "channel-more": (f"/channels/{data.CHANNEL}/", True, _open_menu),
    "channel-list": (f"/channels/{data.CHANNEL}/?view=list&sort=title", True, None),
    "channel-failed": (f"/channels/{data.CHANNEL}/?status=failed", True, _scroll_to_failure),
    "feed-confirm": (f"/channels/{data.CHANNEL}/", True, _ask_new_feed_address),
    "video": (f"/channels/{data.CHANNEL}/videos/look-01/", True, None),
    "video-comments": (f"/channels/{data.CHANNEL}/videos/look-01/?comment=Ugw-look-2.r1", True, None),
    "search": ("/search/?q=cedar", True, None),
    "video-player": (f"/channels/{PLAYER_CHANNEL}/videos/{catalog.PLAYER_ID}/", True, _player_tools),
    "queue": ("/queue/", True, None),
    "queue-downloading": ("/queue/", True, None),
    "stats": ("/stats/", True, None),
    "people": ("/people/", True, None),
    "tokens": ("/tokens/", True, None),
    "login": ("/login/", False, None),
    "not-found": ("/no/such/page/", True, None),
}
# name -> what is in place while its page is opened and pictured (called with the stack's Redis URL)
STAGED = {"queue-downloading": downloads_in_flight}


@pytest.fixture(scope="module")
def library(stack, archive_root, fixture_media, api, fixture_site):
    data.seed(stack, archive_root, fixture_media)
    # The fixture site's player video, archived for real with its chapters and a SponsorBlock segment.
    player = add_fresh(api, f"{fixture_site.base_url}/@fixtureplayer")
    api.call("PATCH", f"/api/channels/{player['id']}/", json={"sponsorblock_mark": "sponsor"})
    api.post(f"/api/channels/{player['id']}/sync/", expect=202)
    assert api.wait_settled(player["id"])["archived"] == 1
    stack.manage("shell", "-c", "from tests.browser.library_data import create_history; create_history()")
    OUT.mkdir(parents=True, exist_ok=True)
    return data.CHANNEL


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots(browser, stack, library, size, scheme):  # noqa: F811 - the fixture imported above
    context = browser.new_context(viewport=SIZES[size], base_url=stack.base_url, color_scheme=scheme,
                                  device_scale_factor=1)
    page = context.new_page()
    watch = Watch(page, stack.base_url)
    try:
        log_in(page)
        for name, (path, logged_in, prepare) in PAGES.items():
            if name == "home-menu" and size != "phone":
                continue
            if not logged_in:
                page.context.clear_cookies()
            with STAGED[name](stack.env["REDIS_URL"]) if name in STAGED else nullcontext():
                page.goto(path)
                page.wait_for_load_state("networkidle")
                if page.locator("#player").count():  # a frame to show, not the loading spinner
                    page.wait_for_function("() => document.querySelector('#player').readyState >= 3")
                if prepare:
                    prepare(page)
                picture(page, f"{name}-{size}-{scheme}")
            if not logged_in:
                log_in(page)
    finally:
        context.close()
    watch.errors = [e for e in watch.errors if "status of 404" not in e]  # the not-found page's own status
    watch.check()


def picture(page, name: str) -> None:
    page.evaluate("document.fonts.ready")
    target = OUT / f"{name}.png"
    page.screenshot(path=str(target), full_page=False, animations="disabled", caret="hide")
    log.info("wrote %s (%d bytes)", target, target.stat().st_size)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_login_with_a_provider(browser, live_server, settings, size, scheme):  # noqa: F811
    """The login page of a home whose identity provider is configured (YTARCHIVE_OIDC_*): its "Sign in with …"."""
    settings.YTARCHIVE_OIDC = {**settings.YTARCHIVE_OIDC, "ENABLED": True, "NAME": "Authentik",
                               "ISSUER": "http://127.0.0.1:9/application/o/ytarchive"}
    OUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=SIZES[size], base_url=live_server.url, color_scheme=scheme,
                                  device_scale_factor=1)
    page = context.new_page()
    watch = Watch(page, live_server.url)
    try:
        page.goto("/login/")
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("link", name="Sign in with Authentik").is_visible()
        picture(page, f"login-provider-{size}-{scheme}")
    finally:
        context.close()
    watch.check()
