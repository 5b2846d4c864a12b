"""Mark (un)watched from the grid in real Chromium: a card's toggle (the API, no reload), the channel page's
"Mark all on this page watched / unwatched", and the same forms with JavaScript off. The watch state is read back
from the API as the signed-in person. Any console error or request to another host fails a test."""
from __future__ import annotations

import pytest

from tests.browser.test_web_app import Watch, browser, log_in  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.integration
CHANNEL = "mark-shelf"
VIDEOS = ["mark-01", "mark-02", "mark-03"]


def create_rows() -> None:
    """Run inside the app (``manage.py shell -c``): a channel of three archived videos (rows only: no files),
    made again from scratch."""
    from django.utils import timezone

    from channels_app.models import Channel, Video

    Channel.objects.filter(pk=CHANNEL).delete()
    channel = Channel.objects.create(id=CHANNEL, url="https://www.youtube.com/@markshelf", source_url="x",
                                     extractor="youtube:tab", raw_id="UCmarkshelf", title="Mark Shelf",
                                     last_synced_at=timezone.now())
    for n, vid in enumerate(VIDEOS):
        Video.objects.create(channel=channel, video_id=vid, raw_id=vid, url=f"https://www.youtube.com/watch?v={vid}",
                             title=f"Shelf video {n + 1}", duration=60, upload_date=f"2025010{n + 1}",
                             status="archived", archived_at=timezone.now())


@pytest.fixture
def shelf(stack):
    stack.manage("shell", "-c", "from tests.browser.test_mark_watched import create_rows; create_rows()")
    return CHANNEL


@pytest.fixture
def open_page(browser, stack):  # noqa: F811 - the fixture imported above
    contexts, watches = [], []

    def make(javascript=True):
        context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=stack.base_url,
                                      java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        watches.append(Watch(page, stack.base_url))
        log_in(page)
        return page
    yield make
    for context in contexts:
        context.close()
    for watch in watches:
        watch.check()


def _card(page, vid):
    return page.locator(f'#videos [data-video="{vid}"]')


def _watched(page, vid) -> bool:
    pk = _card(page, vid).locator("form.mark-watched").get_attribute("data-video-pk")
    answer = page.request.get(f"/api/videos/{pk}/watch/")
    assert answer.ok, answer.text()
    return answer.json()["watched"]


def _no_reload(page):
    page.evaluate("window.__kept = 'same page'")
    return lambda: page.evaluate("window.__kept") == "same page"


def test_a_cards_toggle_marks_it_watched_and_unwatched_without_a_reload(open_page, shelf):
    page = open_page()
    page.goto(f"/channels/{shelf}/")
    same_page = _no_reload(page)
    card = _card(page, "mark-02")
    assert card.locator(".watched-tick").count() == 0 and not _watched(page, "mark-02")
    card.get_by_role("button", name="Mark watched: Shelf video 2").click()
    card.locator(".watched-tick").wait_for(timeout=10_000)
    assert _watched(page, "mark-02") and not _watched(page, "mark-01")
    assert card.get_by_role("button", name="Mark unwatched: Shelf video 2").is_visible()
    assert _card(page, "mark-01").locator(".watched-tick").count() == 0
    card.get_by_role("button", name="Mark unwatched: Shelf video 2").click()
    card.locator(".watched-tick").wait_for(state="detached", timeout=10_000)
    assert not _watched(page, "mark-02") and same_page()
    page.reload()  # the server agrees
    assert _card(page, "mark-02").locator(".watched-tick").count() == 0


def test_mark_all_shown_watched_then_unwatched(open_page, shelf):
    page = open_page()
    page.goto(f"/channels/{shelf}/")
    same_page = _no_reload(page)
    page.get_by_role("button", name="Mark all on this page watched").click()
    page.locator("#videos .watched-tick").nth(len(VIDEOS) - 1).wait_for(timeout=10_000)
    assert all(_watched(page, vid) for vid in VIDEOS) and same_page()
    page.reload()
    assert page.locator("#videos .watched-tick").count() == len(VIDEOS)
    page.get_by_role("button", name="Mark all on this page unwatched").click()
    page.locator("#videos .watched-tick").first.wait_for(state="detached", timeout=10_000)
    assert page.locator("#videos .watched-tick").count() == 0
    assert not any(_watched(page, vid) for vid in VIDEOS)


def test_without_javascript_the_forms_still_mark(open_page, shelf):
    page = open_page(javascript=False)
    page.goto(f"/channels/{shelf}/?sort=title")
    _card(page, "mark-03").get_by_role("button", name="Mark watched: Shelf video 3").click()
    page.wait_for_url(f"**/channels/{shelf}/?sort=title")  # back where it was, the page's choices kept
    assert "Marked watched." in page.locator("body").inner_text()
    assert _card(page, "mark-03").locator(".watched-tick").count() == 1 and _watched(page, "mark-03")
    page.get_by_role("button", name="Mark all on this page watched").click()
    page.wait_for_url(f"**/channels/{shelf}/?sort=title")
    assert f"Marked {len(VIDEOS)} videos watched." in page.locator("body").inner_text()
    assert page.locator("#videos .watched-tick").count() == len(VIDEOS)
    page.get_by_role("button", name="Mark all on this page unwatched").click()
    page.wait_for_url(f"**/channels/{shelf}/?sort=title")
    assert page.locator("#videos .watched-tick").count() == 0 and not _watched(page, "mark-01")
