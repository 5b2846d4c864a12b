"""The library's look in real Chromium: the grid's sort, filter and layout, clock durations, titles clamped to
two lines, damaged and thumbnail-less cards, the add dialog, the theme toggle that survives a reload, the phone's
navigation behind a menu button, and error pages that keep the navigation. Any console error or request to
another host fails a test (the Watch of tests/browser/test_web_app.py)."""
from __future__ import annotations

import pytest

from tests.browser import library_data as data
from tests.browser.test_web_app import Watch, browser, log_in  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.integration
DARK_BG = "rgb(18, 19, 22)"
LIGHT_BG = "rgb(244, 245, 247)"


@pytest.fixture(scope="module")
def library(stack, archive_root, fixture_media):
    data.seed(stack, archive_root, fixture_media)
    return data.CHANNEL


@pytest.fixture
def open_page(browser, stack):  # noqa: F811 - the fixture imported above
    """A new page (viewport, colour scheme) logged in, checked for console errors and foreign requests."""
    contexts, watches = [], []

    def make(width=1280, height=800, scheme="light", login=True, expect_status=None):
        """``expect_status``: the page is opened for an error answer, which Chromium logs as a console error."""
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=stack.base_url,
                                      color_scheme=scheme)
        page = context.new_page()
        contexts.append(context)
        watch = Watch(page, stack.base_url)
        watch.expected = f"the server responded with a status of {expect_status}" if expect_status else None
        watches.append(watch)
        if login:
            log_in(page)
        return page
    yield make
    for context in contexts:
        context.close()
    for watch in watches:
        if watch.expected:
            watch.errors = [e for e in watch.errors if watch.expected not in e]
        watch.check()


def test_sort_filter_and_list_layout(open_page, library):
    page = open_page()
    page.goto(f"/channels/{library}/")
    assert data.order_on_page(page) == ["look-01", "look-02", "look-03", "look-04", "look-06", "look-07", "look-08",
                                        "look-09", "look-05"]  # newest first; no date last
    page.get_by_label("Sort").select_option(label="Longest first")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**sort=longest**")
    assert data.order_on_page(page)[:3] == ["look-01", "look-09", "look-03"]
    page.get_by_label("Sort").select_option(label="Most viewed")
    page.get_by_label("Status").select_option("archived")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**status=archived**")
    assert data.order_on_page(page) == ["look-04", "look-09", "look-01", "look-07", "look-02", "look-03", "look-08"]
    page.get_by_role("link", name="List").click()
    page.wait_for_url("**view=list**")
    assert "sort=views" in page.url and "status=archived" in page.url  # the layout keeps the choices
    assert "as-list" in page.locator("#videos").get_attribute("class")
    boxes = [page.locator(f'[data-video="{vid}"]').bounding_box() for vid in ("look-04", "look-09")]
    assert boxes[0]["x"] == boxes[1]["x"] and boxes[1]["y"] > boxes[0]["y"]  # rows, one under the other
    assert page.get_by_role("link", name="List").get_attribute("aria-current") == "true"
    page.get_by_label("Sort").select_option(label="Title A-Z")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**sort=title**")
    assert "view=list" in page.url and "as-list" in page.locator("#videos").get_attribute("class")
    page.get_by_label("Status").select_option("damaged")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**status=damaged**")
    assert data.order_on_page(page) == ["look-03"]
    page.get_by_role("link", name="Grid").click()
    page.wait_for_url(lambda url: "view=" not in url)
    boxes = [page.locator("[data-video]").first.bounding_box()]
    assert boxes[0]["width"] < 400  # a tile again


def test_a_bad_choice_is_a_400_page_with_the_navigation(open_page, library):
    page = open_page(expect_status=400)
    response = page.goto(f"/channels/{library}/?sort=fastest")
    assert response.status == 400
    assert "Unknown sort 'fastest'" in page.locator("main").inner_text()
    assert page.get_by_role("navigation", name="Main").is_visible()


def test_cards_read_as_a_library(open_page, library):
    page = open_page()
    page.goto(f"/channels/{library}/")
    card = page.locator('[data-video="look-01"]')
    assert card.locator(".length").inner_text() == "1:02:03"
    assert "128.4K views" in card.inner_text() and "2025-03-12" in card.inner_text()
    no_date = page.locator('[data-video="look-05"] .meta')
    assert not no_date.inner_text().strip().startswith("·")
    assert no_date.inner_text().strip().startswith("failed")
    # The raw text of a failure is one click away.
    raw = page.locator('[data-video="look-05"] .why pre')
    assert not raw.is_visible()
    page.locator('[data-video="look-05"] .why summary').click()
    assert "members-only" in raw.inner_text()
    # Damaged looks damaged; a missing thumbnail is a placeholder, not a broken image.
    damaged = page.locator('[data-video="look-03"]')
    assert damaged.locator(".flag-damaged").is_visible() and damaged.locator(".st-damaged").inner_text() == "damaged"
    assert damaged.evaluate("c => getComputedStyle(c).borderTopColor") != page.locator(
        '[data-video="look-01"]').evaluate("c => getComputedStyle(c).borderTopColor")
    missing = page.locator('[data-video="look-04"]')
    assert missing.locator("img").count() == 0 and missing.locator(".thumb-placeholder").is_visible()
    images = page.locator("#videos img").evaluate_all("imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
    assert images and all(images)  # every image shown really loaded


def test_long_titles_are_clamped_with_the_full_title_on_hover(open_page, library):
    page = open_page()
    page.goto(f"/channels/{library}/")
    title = page.locator('[data-video="look-02"] .title')
    assert title.get_attribute("title") == data.LONG_TITLE
    lines = title.evaluate("t => t.clientHeight / parseFloat(getComputedStyle(t).lineHeight)")
    assert 1.9 <= lines <= 2.1, lines
    assert title.evaluate("t => t.scrollHeight > t.clientHeight + 4")  # the rest is cut, not wrapped below
    heights = {vid: page.locator(f'[data-video="{vid}"]').bounding_box()["height"] for vid in ("look-01", "look-02")}
    assert heights["look-02"] - heights["look-01"] < 30, heights  # one line more at most, never triple


def test_the_home_page_is_a_library_with_an_add_dialog(open_page, library):
    page = open_page()
    page.goto("/")
    card = page.locator(".channel-card", has=page.get_by_role("link", name="The Look Workshop"))
    poster = card.locator("img.avatar")
    assert poster.get_attribute("src") == f"/channels/{library}/poster.jpg"
    assert poster.evaluate("i => i.complete && i.naturalWidth > 0")
    assert "Newest video 2025-03-12" in card.inner_text()
    quiet = page.locator(".channel-card", has=page.get_by_role("link", name="Quiet Corner"))
    assert quiet.locator(".letter").inner_text() == "Q"  # no artwork: its letter on its colour
    shelf = page.get_by_role("region", name="Recently uploaded")
    assert shelf.locator('[data-video="look-01"]').is_visible()
    url = page.get_by_label("Channel or playlist URL")
    assert not url.is_visible()
    page.get_by_role("button", name="Add a channel").click()
    dialog = page.get_by_role("dialog", name="Add a channel")
    assert dialog.is_visible() and page.evaluate("document.activeElement.id") == "add-url"
    assert page.evaluate("getComputedStyle(document.querySelector('#add-channel'), '::backdrop')"
                         ".backgroundColor") == "rgba(0, 0, 0, 0.45)"  # the page behind is dimmed: modal
    page.keyboard.press("Escape")
    assert not dialog.is_visible()


def test_the_theme_follows_the_system_and_the_toggle_is_kept(open_page, library):
    page = open_page(scheme="dark")
    page.goto("/")
    body_bg = "() => getComputedStyle(document.body).backgroundColor"
    assert page.evaluate(body_bg) == DARK_BG  # the system's
    toggle = page.locator("[data-theme-toggle]")
    toggle.click()  # auto -> light
    assert page.evaluate(body_bg) == LIGHT_BG and toggle.inner_text().strip() == "Light"
    page.reload()
    assert page.evaluate(body_bg) == LIGHT_BG and page.evaluate("localStorage.getItem('ytarchive-theme')") == "light"
    # No flash: the saved theme is on <html> before the stylesheet is even parsed.
    page.goto(f"/channels/{library}/", wait_until="commit")
    page.wait_for_function("document.documentElement.dataset.theme === 'light'")
    toggle.click()  # light -> dark
    toggle.click()  # dark -> auto: the system's again, nothing saved
    assert page.evaluate("localStorage.getItem('ytarchive-theme')") is None and page.evaluate(body_bg) == DARK_BG
    # A fresh page in a light system with "dark" saved starts dark.
    light = open_page(scheme="light")
    light.goto("/")
    light.evaluate("localStorage.setItem('ytarchive-theme', 'dark')")
    light.goto("/tokens/")
    assert light.evaluate(body_bg) == DARK_BG
    assert light.evaluate("[...document.head.children].findIndex(e => e.src && e.src.endsWith('theme.js'))") < \
        light.evaluate("[...document.head.children].findIndex(e => e.rel === 'stylesheet')")
    assert light.locator("script[src$='theme.js']").get_attribute("defer") is None


def test_the_phone_navigation_collapses_behind_a_menu_button(open_page, library):
    page = open_page(width=390, height=844)
    page.goto("/")
    header = page.locator("header.top")
    brand = page.locator("header.top .brand").bounding_box()
    menu_box = page.get_by_role("button", name="Menu").bounding_box()
    search_box = page.get_by_role("search").bounding_box()
    assert abs(brand["y"] - menu_box["y"]) < 20  # one line: brand, theme, menu...
    assert search_box["y"] > brand["y"] + 20 and search_box["width"] > 300  # ...and the search box on its own
    assert header.bounding_box()["height"] < 110  # two rows, never the links wrapping
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    assert not nav.is_visible() and menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert nav.is_visible() and menu.get_attribute("aria-expanded") == "true"
    queue = nav.get_by_role("link", name="Queue")
    assert queue.is_visible() and queue.bounding_box()["width"] > 300  # a full-width row, easy to tap
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    menu.click()
    queue.click()
    page.wait_for_url("**/queue/")
    assert not page.get_by_role("navigation", name="Main").is_visible()  # closed on the next page
    wide = open_page()
    wide.goto("/")
    assert wide.get_by_role("navigation", name="Main").is_visible()
    assert not wide.get_by_role("button", name="Menu").is_visible()


@pytest.mark.parametrize("path, status, words", [("/no/such/page/", 404, "Not found"),
                                                 ("/channels/no-such-channel/", 404, "Not found")])
def test_error_pages_have_the_navigation_and_the_icon(open_page, stack, library, path, status, words):
    page = open_page(expect_status=status)
    response = page.goto(path)
    assert response.status == status and words in page.locator("h1").inner_text()
    assert page.get_by_role("navigation", name="Main").is_visible()
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).ok
    favicon = page.request.get("/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/svg+xml")
    anonymous = open_page(login=False, expect_status=404)
    response = anonymous.goto("/no/such/page/")
    assert response.status == 404 and anonymous.locator("link[rel=icon]").count() == 1
    assert anonymous.locator("[data-theme-toggle]").is_visible()
