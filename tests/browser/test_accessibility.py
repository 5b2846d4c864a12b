"""axe-core (the axe-playwright-python wheel bundles axe.min.js: nothing is fetched) on every page of the web app,
in the light and the dark theme: no serious or critical violation, no console error, no request to another
host. A violation's message names the rule, the elements and axe's help page, so a failure says what to fix."""
from __future__ import annotations

import pytest

from tests.browser import library_data as data
from tests.browser.test_web_app import Watch, browser, log_in  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.integration
SERIOUS = ("serious", "critical")
# path, logged in, the status it answers
PAGES = {
    "home": ("/", True, 200),
    "channel": (f"/channels/{data.CHANNEL}/", True, 200),
    "channel-list": (f"/channels/{data.CHANNEL}/?view=list&sort=title", True, 200),
    "video": (f"/channels/{data.CHANNEL}/videos/look-01/", True, 200),
    "failed-video": (f"/channels/{data.CHANNEL}/videos/look-05/", True, 200),
    "queue": ("/queue/", True, 200),
    "stats": ("/stats/", True, 200),
    "people": ("/people/", True, 200),
    "feed-confirm": (f"/channels/{data.CHANNEL}/", True, 200),  # then "New feed address…": its confirmation
    "tokens": ("/tokens/", True, 200),
    "login": ("/login/", False, 200),
    "not-found": ("/no/such/page/", True, 404),
}


@pytest.fixture(scope="module")
def library(stack, archive_root, fixture_media):
    data.seed(stack, archive_root, fixture_media)
    return data.CHANNEL


def _serious(results: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]} - {v['helpUrl']}"
            for v in results["violations"] if v["impact"] in SERIOUS]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violation(browser, stack, library, name, scheme):  # noqa: F811 - the fixture
    from axe_playwright_python.sync_playwright import Axe

    path, logged_in, status = PAGES[name]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=stack.base_url,
                                  color_scheme=scheme)
    page = context.new_page()
    watch = Watch(page, stack.base_url)
    try:
        if logged_in:
            log_in(page)
        response = page.goto(path)
        assert response.status == status
        page.wait_for_load_state("networkidle")
        if name == "home":
            page.get_by_role("button", name="Add a channel").click()  # the dialog's form is checked too
        if name == "feed-confirm":
            page.get_by_role("button", name="New feed address…").click()
            page.get_by_role("heading", name="A new feed address", exact=False).wait_for()
        found = _serious(Axe().run(page).response)
        assert not found, "\n".join(found)
        if name == "channel":
            page.locator("details.menu summary").click()  # the "More" menu, open
            found = _serious(Axe().run(page).response)
            assert not found, "\n".join(found)
    finally:
        context.close()
    if status != 200:  # Chromium logs the page's own error status; nothing else may be logged
        watch.errors = [e for e in watch.errors if f"status of {status}" not in e]
    watch.check()


def test_axe_checks_the_phone_menu(browser, stack, library):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=stack.base_url)
    page = context.new_page()
    watch = Watch(page, stack.base_url)
    try:
        log_in(page)
        page.get_by_role("button", name="Menu").click()
        found = _serious(Axe().run(page).response)
        assert not found, "\n".join(found)
    finally:
        context.close()
    watch.check()


def test_axe_really_runs_offline(browser):  # noqa: F811
    """The check above could pass by finding nothing: axe itself reports a button without a name, offline."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(offline=True)
    page = context.new_page()
    try:
        page.set_content('<!doctype html><html lang="en"><title>t</title><main><button></button></main></html>')
        results = Axe().run(page).response
        assert results["testEngine"]["version"].startswith("4.")
        assert any(v["id"] == "button-name" and v["impact"] == "critical" for v in results["violations"])
    finally:
        context.close()
