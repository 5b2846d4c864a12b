"""Issue 24's form and wording defects as a person meets them, in Chromium against the in-process live
server: a refused options form comes back open with what was typed and every error; a new feed address
is asked for first; a logged-out browser at /api/docs/ gets the login page and comes back to the docs."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from channels_app.models import Channel
from tests.browser.test_signin import new_page
from tests.browser.test_web_app import browser  # noqa: F401  (the module's Chromium, as a fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, name: str, password: str) -> None:
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def editor_page(browser, live_server):  # noqa: F811
    User.objects.create_user("ed", password="ed-pass-13579", is_staff=True)
    Channel.objects.create(id="site-chan", url="https://example.org/c", source_url="x", extractor="x",
                           raw_id="chan", title="A channel", feed_token="old-token")
    context, page, errors = new_page(browser, live_server)
    page.goto("/channels/site-chan/")
    sign_in(page, live_server, "ed", "ed-pass-13579")
    page.wait_for_url("**/channels/site-chan/")
    yield page, errors
    context.close()


def test_a_refused_options_form_keeps_what_was_typed_and_says_every_error(editor_page):
    page, errors = editor_page
    page.get_by_text("Download options").click()
    page.get_by_label("Wait before each download (s)").fill("9")
    page.get_by_label("most seconds").fill("3")
    page.get_by_label("Only the newest").fill("-4")
    page.get_by_role("button", name="Save options").click()
    message = page.locator(".messages").inner_text()
    assert "newest_n" in message and "sleep_max: must be at least sleep_min." in message
    assert page.locator("details.options").evaluate("d => d.open")
    assert page.get_by_label("Only the newest").input_value() == "-4"
    assert page.get_by_label("most seconds").input_value() == "3.0"
    assert Channel.objects.get(pk="site-chan").newest_n is None
    assert errors == [f"400 {page.url}"], errors  # the refused POST's own answer, nothing else


def test_a_new_feed_address_is_confirmed_first(editor_page):
    page, errors = editor_page
    page.get_by_role("button", name="New feed address…").click()
    assert "every podcast app subscribed to it stops getting new episodes" in page.locator("main").inner_text()
    page.get_by_role("link", name="Keep the address").click()
    page.wait_for_url("**/channels/site-chan/")
    assert Channel.objects.get(pk="site-chan").feed_token == "old-token"
    page.get_by_role("button", name="New feed address…").click()
    page.get_by_role("button", name="Make a new address; the old one stops working").click()
    page.get_by_text("has a new feed address").wait_for()
    assert Channel.objects.get(pk="site-chan").feed_token != "old-token"
    assert not errors, errors


def test_the_api_docs_send_a_logged_out_browser_to_the_login_page_and_back(browser, live_server):  # noqa: F811
    User.objects.create_user("reader", password="reader-pass-2468")
    context, page, errors = new_page(browser, live_server)
    page.goto("/api/docs/")
    assert "/login/?next=/api/docs/" in page.url
    sign_in(page, live_server, "reader", "reader-pass-2468")
    page.wait_for_url("**/api/docs/")
    page.locator(".swagger-ui .info").wait_for(timeout=30000)
    assert not errors, errors
    context.close()
