"""The video page's comments in real Chromium against the running app (issue 25): the fixture site's
``vid-talk`` archived by the stack with its comments and automatic captions; ``?comment=`` on a reply
opens the page at that reply with its thread unfolded; More comments pages on; the player lists the
automatic captions as "German (auto)"."""
from __future__ import annotations

import pytest

from tests.browser import test_web_app as web_app
from tests.fixture_site import talk
from tests.harness import add_fresh

browser, page, log_in, shot = web_app.browser, web_app.page, web_app.log_in, web_app.shot

pytestmark = pytest.mark.integration
CHANNEL = f"fixturesite-{talk.TALK_CHANNEL_ID}"
VIDEO_PAGE = f"/channels/{CHANNEL}/videos/{talk.TALK_ID}/"


@pytest.fixture(scope="module")
def talk_video(api, fixture_site):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixturetalk")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    progress = api.wait_settled(channel["id"])
    assert progress["archived"] == 1, progress
    return api.get(f"/api/videos/?channel={channel['id']}&video_id={talk.TALK_ID}")["results"][0]


def test_a_reply_asked_for_opens_in_its_unfolded_thread(page, talk_video, archive_root):
    page, _watch = page
    folder = archive_root / CHANNEL / "videos" / talk.TALK_ID
    assert (folder / "comments.json").is_file() and (folder / "subtitles" / "de.auto.vtt").is_file()
    log_in(page)
    page.goto(f"{VIDEO_PAGE}?comment={talk.REPLY_ID}")
    reply = page.locator(f"[id='comment-{talk.REPLY_ID}']")
    reply.wait_for(state="visible")
    assert talk.REPLY_TEXT in reply.inner_text()
    thread = page.locator(f"[id='comment-{talk.REPLIED_ID}']")
    assert thread.locator("details.replies").evaluate("d => d.open")
    assert "3 replies" in thread.locator("summary").inner_text()
    assert page.evaluate(f"""() => {{ const r = document.getElementById('comment-{talk.REPLY_ID}')
        .getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }}""")  # scrolled to it
    assert page.locator("#comments-count").inner_text() == str(len(talk.COMMENT_IDS))
    shot(page, "video-comment-thread")


def test_threads_are_folded_paged_and_pinned_first_and_auto_captions_are_named(page, talk_video):
    page, _watch = page
    log_in(page)
    page.goto(VIDEO_PAGE)
    first = page.locator("ol.comment-list > li").first
    assert first.get_attribute("id") == f"comment-{talk.PINNED_ID}" and "Pinned" in first.inner_text()
    assert page.locator("ol.comment-list > li").count() == 20
    folded = page.locator("[id='comment-Ugw-talk-05'] details.replies")  # on the first page (84 likes)
    assert not folded.evaluate("d => d.open") and folded.locator("summary").inner_text() == "1 reply"
    assert not page.locator("[id='comment-Ugw-talk-05.r1']").is_visible()
    folded.locator("summary").click()  # the "1 reply" toggle
    page.locator("[id='comment-Ugw-talk-05.r1']").wait_for(state="visible")
    labels = page.locator("video#player track").evaluate_all("ts => ts.map(t => t.label)")
    assert "German (auto)" in labels and "English (auto)" in labels and "German" in labels
    page.locator("#more-comments").click()
    page.wait_for_url("**comments_page=2**")
    assert page.locator("ol.comment-list > li").count() == talk.TALK_TOP_LEVEL - 20
