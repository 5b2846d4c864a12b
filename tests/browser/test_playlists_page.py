"""Playlists in real Chromium against the running app (issue 26): the channel page's "Playlists" section, a
playlist's page with its videos in order (archived ones playable, the others with their status), and "Play
all", which plays them in order: when one ends, the playlist's next archived video opens and starts."""
from __future__ import annotations

import pytest

from tests.browser import test_web_app as web_app
from tests.browser.test_accessibility import _serious
from tests.fixture_site import catalog
from tests.harness import add_fresh, sync_and_wait_listed, wait_for

browser, page, log_in, shot = web_app.browser, web_app.page, web_app.log_in, web_app.shot

pytestmark = pytest.mark.integration
CHANNEL = f"fixturesite-{catalog.LISTS_CHANNEL_ID}"
PLAYER = "document.querySelector('#player')"


@pytest.fixture(scope="module")
def lists_channel(api, fixture_site):
    fixture_site.taken_down.discard("PLfxGone")
    add_fresh(api, f"{fixture_site.base_url}/@fixturelists")
    sync_and_wait_listed(api, CHANNEL)
    api.wait_settled(CHANNEL)
    wanted = catalog.PLAYLIST_TABS[catalog.LISTS_CHANNEL_ID]
    wait_for(lambda: [p["playlist_id"] for p in api.get(f"/api/channels/{CHANNEL}/playlists/")
                      if p["updated_at"]] == list(wanted), 120, "the playlists to be listed")
    return CHANNEL


def _no_serious_violation(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    found = _serious(Axe().run(page).response)
    assert not found, "\n".join(found)


def test_play_all_plays_the_playlist_in_order(page, lists_channel):
    page, watch = page
    log_in(page)
    page.goto(f"/channels/{lists_channel}/")
    section = page.locator("#playlists")
    _no_serious_violation(page)
    assert section.get_by_role("link").all_inner_texts() == [
        catalog.PLAYLISTS[p].title for p in catalog.PLAYLIST_TABS[catalog.LISTS_CHANNEL_ID]]
    section.get_by_role("link", name="Mixed bag").click()
    page.wait_for_url(f"**/channels/{lists_channel}/playlists/PLfxMixed/")
    rows = page.locator("#playlist-entries li")
    assert [rows.nth(i).get_attribute("data-video") for i in range(rows.count())] == list(
        catalog.PLAYLISTS["PLfxMixed"].video_ids)
    hidden = page.locator(f"#playlist-entries li[data-video='{catalog.LISTS_PRIVATE_ID}']")
    assert "not in the archive" in hidden.inner_text() and hidden.get_by_role("link").count() == 0
    shot(page, "playlist")
    _no_serious_violation(page)
    page.get_by_role("link", name="Play all").click()
    page.wait_for_url("**/videos/vid-lists-04/?list=PLfxMixed&index=1")
    assert "1 of 4" in page.locator("#playlist-bar").inner_text()
    _no_serious_violation(page)
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1 && {PLAYER}.duration > 0")
    # To its end: the next archived entry opens (index 2 is the private one, not in the archive).
    page.evaluate(f"() => {{ const v = {PLAYER}; v.muted = true; v.currentTime = Math.max(0, v.duration - 0.3); "
                  "return v.play(); }")
    page.wait_for_url("**/videos/vid-lists-02/?list=PLfxMixed&index=3", timeout=15000)
    page.wait_for_function(f"() => {PLAYER} && !{PLAYER}.paused && {PLAYER}.currentTime > 0", timeout=15000)
    assert "3 of 4" in page.locator("#playlist-bar").inner_text()
    page.locator("#playlist-next").click()
    page.wait_for_url("**/videos/vid-lists-03/?list=PLfxMixed&index=4")
    assert page.locator("#playlist-next").count() == 0  # the last one
    watch.check()
