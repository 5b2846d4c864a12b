"""Search in real Chromium against the running app: the header's box, the results page grouped by video, and
a subtitle hit that starts the player at the second the phrase was said (3-4 s), on a desktop and a phone.

The fixture site's ``vid-player`` is archived; its German cues are written straight into the stack's catalog
(``manage.py shell``), as the text part's caption archiving writes them, and the index follows by itself.
"""
from __future__ import annotations

import json

import pytest

from tests.browser import test_web_app as web_app
from tests.fixture_site import catalog
from tests.harness import add_fresh

browser, page, log_in, shot = web_app.browser, web_app.page, web_app.log_in, web_app.shot

pytestmark = pytest.mark.integration
PLAYER = "document.querySelector('#player')"
PHRASE = "Der Igel überquert langsam die Straße"

_CUES = """
from channels_app.models import Video
from text_app.models import Cue
from text_app.signals import video_text_changed
video = Video.objects.get(pk={pk})
Cue.objects.filter(video=video).delete()
Cue.objects.bulk_create([Cue(video=video, lang="de", start=s, end=e, text=t) for s, e, t in {cues}])
video_text_changed.send(sender=Cue, video_pk=video.pk)
"""


@pytest.fixture(scope="module")
def said(api, stack, fixture_site):
    """vid-player archived, with German cues: the phrase from second 4."""
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureplayer")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    assert api.wait_settled(channel["id"])["archived"] == 1
    video = api.get(f"/api/videos/?channel={channel['id']}&video_id={catalog.PLAYER_ID}")["results"][0]
    cues = [(0.0, 3.9, "Guten Tag und willkommen"), (4.0, 7.0, PHRASE), (7.0, 9.0, "und dann ist er weg")]
    stack.manage("shell", "-c", _CUES.format(pk=video["id"], cues=json.dumps(cues)))
    return channel, video


def test_a_subtitle_hit_starts_the_player_at_the_second_it_was_said(page, said):
    page, _watch = page
    channel, _video = said
    log_in(page)
    page.get_by_role("search").get_by_label("Search titles, descriptions, subtitles and comments").fill(
        '"igel überquert"')
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=*")
    results = page.locator(".search-video")
    assert results.count() == 1
    assert "Video with chapters" in results.first.inner_text()
    hit = results.first.locator(".search-subtitle a")
    assert hit.count() == 1
    assert "0:04" in hit.inner_text() and hit.locator("mark").count() >= 1
    assert hit.get_attribute("href") == f"/channels/{channel['id']}/videos/{catalog.PLAYER_ID}/?t=4"
    shot(page, "search-results")
    hit.click()
    page.wait_for_url(f"**/videos/{catalog.PLAYER_ID}/?t=4")
    page.wait_for_function(f"() => {PLAYER}.readyState >= 1 && {PLAYER}.currentTime >= 3 "
                           f"&& {PLAYER}.currentTime <= 5", timeout=15000)
    start = page.evaluate(f"() => {PLAYER}.currentTime")
    assert 3 <= start <= 5, start


def test_the_results_page_fits_a_phone(page, said):
    page, _watch = page
    log_in(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/search/?q=igel")
    assert page.locator(".search-hit").count() >= 1
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    assert page.locator("#search-q").is_visible()
