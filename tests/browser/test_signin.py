"""Signing in other than with a password, in real Chromium: OpenID Connect against a real provider (our own,
tests/oidc_provider.py, a separate process on 127.0.0.1: discovery, a login form, PKCE, an RS256 id_token,
userinfo, JWKS) through the login page's "Sign in with …" button, and a forward-auth header that counts
from a trusted proxy only. Then the People page as the owner: an invite made, opened in another browser,
and the new account signed in with its role.

The app runs in-process (pytest-django's live server), the provider and the browser as processes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import User

from front_app.signin import oidc
from tests.browser.test_web_app import browser, shot  # noqa: F401  (the module's Chromium, as a fixture)
from tests.env_setup import RUN_DIR
from tests.harness import REPO, free_port, wait_for
from tokens_app import roles

# Playwright's sync API runs an event loop in this thread; the live server's database work is plain
# synchronous code (in its own thread, and here between browser steps): Django's guard would refuse it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
CLIENT_ID, SECRET = "ytarchive-test", "a-client-secret-for-tests"
USERS = {"alice": {"password": "alice-idp-pw", "email": "alice@example.org", "groups": ["family", "other"]},
         "bob": {"password": "bob-idp-pw", "email": "bob@example.org", "groups": ["guests"]}}


@pytest.fixture(scope="module")
def provider():
    import requests

    port = free_port()
    users = RUN_DIR / "oidc-users.json"
    users.write_text(json.dumps(USERS))
    log = open(RUN_DIR / "oidc-provider.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "tests.oidc_provider", "--port", str(port), "--client-id",
                             CLIENT_ID, "--client-secret", SECRET, "--users", str(users)], cwd=REPO, stdout=log,
                            stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok
        except requests.RequestException:
            return False
    try:
        wait_for(up, 30, "the test OpenID provider to answer")
        yield issuer
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@pytest.fixture
def oidc_on(settings, provider):
    settings.YTARCHIVE_OIDC = {**settings.YTARCHIVE_OIDC, "ENABLED": True, "ISSUER": provider, "NAME": "Test IdP",
                               "ROLES": {"family": "editor", "admins": "owner"}, "DEFAULT_ROLE": "viewer"}
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, SECRET
    settings.OIDC_RP_SIGN_ALGO, settings.OIDC_RP_SCOPES = "RS256", "openid email profile"
    settings.OIDC_USE_PKCE, settings.OIDC_TIMEOUT = True, 15
    oidc._documents.clear()
    yield provider
    oidc._documents.clear()


@pytest.fixture
def forward_auth(settings):
    def configure(trusted: str):
        import ipaddress

        settings.YTARCHIVE_FORWARD_AUTH = {"HEADER": "Remote-User", "GROUPS_HEADER": "Remote-Groups",
                                           "TRUSTED_PROXIES": (ipaddress.ip_network(trusted),),
                                           "ROLES": {"admins": "owner", "family": "editor"}, "CREATE_USERS": True}
    return configure


def new_page(browser, live_server, **options):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url, **options)
    page = context.new_page()
    errors = []  # console errors of our pages, failed requests to the app (the test IdP has no favicon)
    page.on("console", lambda m: m.type == "error" and m.location.get("url", "").startswith(live_server.url)
            and "Failed to load resource" not in m.text and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and r.url.startswith(live_server.url)
            and errors.append(f"{r.status} {r.url}"))
    return context, page, errors


def test_sign_in_with_the_identity_provider_makes_an_editor_from_a_group(browser, live_server, oidc_on):  # noqa: F811
    context, page, errors = new_page(browser, live_server)
    page.goto("/queue/")
    assert "/login/" in page.url
    shot(page, "login-with-provider")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.wait_for_url(f"{oidc_on}/authorize?**")
    page.get_by_label("IdP user").fill("alice")
    page.get_by_label("IdP password").fill("alice-idp-pw")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/queue/")  # back where the person was going
    assert "Log out alice" in page.locator("header").inner_text()
    alice = User.objects.get(username="alice")
    assert alice.email == "alice@example.org" and roles.role_of(alice) == "editor" and not alice.has_usable_password()
    page.goto("/")
    assert page.get_by_role("button", name="Add a channel").count() == 1  # an editor adds channels
    assert page.get_by_role("link", name="People").count() == 0
    assert not errors, errors
    context.close()


def test_a_person_in_no_mapped_group_is_a_viewer_and_a_wrong_password_at_the_idp_signs_no_one_in(
        browser, live_server, oidc_on):  # noqa: F811
    context, page, _errors = new_page(browser, live_server)
    page.goto("/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.get_by_label("IdP user").fill("bob")
    page.get_by_label("IdP password").fill("bob-idp-pw")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    assert roles.role_of(User.objects.get(username="bob")) == "viewer"
    assert page.get_by_role("button", name="Add a channel").count() == 0
    context.close()
    context, page, _errors = new_page(browser, live_server)
    page.goto("/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.get_by_label("IdP user").fill("alice")
    page.get_by_label("IdP password").fill("wrong")
    page.get_by_role("button", name="Continue").click()
    assert "wrong user or password" in page.content()
    page.goto("/")
    assert "/login/" in page.url and not User.objects.filter(username="alice").exists()
    context.close()


def test_a_forged_callback_is_refused_with_a_message(browser, live_server, oidc_on):  # noqa: F811
    context, page, _errors = new_page(browser, live_server)
    page.goto("/oidc/callback/?code=made-up&state=made-up")
    page.wait_for_url("**/login/**")
    assert "Signing in with Test IdP did not work" in page.locator(".messages").inner_text()
    context.close()


def test_the_login_page_offers_no_provider_when_none_is_set(browser, live_server):  # noqa: F811
    context, page, _errors = new_page(browser, live_server)
    page.goto("/login/")
    assert page.get_by_role("link", name="Sign in with", exact=False).count() == 0
    assert page.goto("/oidc/authenticate/").status == 404
    context.close()


def test_forward_auth_from_a_trusted_proxy_signs_in_with_the_groups_role(browser, live_server, forward_auth):  # noqa: F811
    forward_auth("127.0.0.1/32")  # the browser connects from 127.0.0.1: here it stands for the proxy
    context, page, errors = new_page(browser, live_server, extra_http_headers={
        "Remote-User": "carol", "Remote-Groups": "users,admins"})
    page.goto("/")
    assert "Log out carol" in page.locator("header").inner_text()
    assert roles.role_of(User.objects.get(username="carol")) == "owner"
    page.get_by_role("link", name="People").click()
    page.wait_for_url("**/people/")
    assert page.locator('[data-person="carol"]').count() == 1
    assert not errors, errors
    context.close()


def test_forward_auth_from_an_untrusted_peer_is_ignored(browser, live_server, forward_auth):  # noqa: F811
    forward_auth("10.99.0.0/16")  # the proxy is elsewhere: 127.0.0.1 is any client that set the header
    context, page, _errors = new_page(browser, live_server, extra_http_headers={
        "Remote-User": "mallory", "Remote-Groups": "admins"})
    page.goto("/")
    assert "/login/" in page.url
    assert not User.objects.filter(username="mallory").exists()
    context.close()


def test_an_owner_invites_someone_who_signs_in_with_the_role(browser, live_server):  # noqa: F811
    User.objects.create_superuser("boss", password="boss-pass-12345")
    context, page, errors = new_page(browser, live_server)
    page.goto("/login/")
    page.get_by_label("User name").fill("boss")
    page.get_by_label("Password").fill("boss-pass-12345")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="People").click()
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_label("Note (for an invite: whom it is for)").fill("Dana")
    page.get_by_role("button", name="Add", exact=True).click()
    link = page.locator("#one-time-link").inner_text()
    shot(page, "people")
    assert "/people/invite/" in link and "Open invitations" in page.content()
    guest, guest_page, guest_errors = new_page(browser, live_server)
    guest_page.goto(link)
    assert "invited as an editor" in guest_page.locator("main").inner_text()
    guest_page.get_by_label("User name").fill("dana")
    guest_page.get_by_label("Password").fill("dana-pass-2468")
    guest_page.get_by_role("button", name="Make my account").click()
    guest_page.wait_for_url("**/login/")
    guest_page.get_by_label("User name").fill("dana")
    guest_page.get_by_label("Password").fill("dana-pass-2468")
    guest_page.get_by_role("button", name="Log in").click()
    guest_page.wait_for_url(f"{live_server.url}/")
    assert guest_page.get_by_role("button", name="Add a channel").count() == 1
    assert guest_page.goto(link).status == 404
    assert "used, expired or unknown" in guest_page.locator("main").inner_text()
    assert guest_errors == [f"404 {link}"], guest_errors  # the used link's own answer, and nothing else
    guest_errors.clear()
    page.goto("/people/")
    page.get_by_label("Role of dana", exact=True).select_option("viewer")
    page.get_by_role("button", name="Set the role of dana").click()
    page.get_by_text("dana is now viewer.").wait_for()
    guest_page.goto("/")
    assert guest_page.get_by_role("button", name="Add a channel").count() == 0
    page.get_by_role("button", name="Deactivate dana").click()
    page.get_by_text("dana can no longer sign in").wait_for()
    guest_page.goto("/")
    assert "/login/" in guest_page.url
    assert not errors and not guest_errors, errors + guest_errors
    context.close()
    guest.close()
