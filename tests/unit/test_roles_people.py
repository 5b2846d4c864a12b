"""Roles (owner, editor, viewer) on every surface, and the owner's People page (Django's test client).

Personas: the owner (a superuser, as `manage.py ensure_admin` makes), an editor (a role group), a staff
account from before roles (an editor), a viewer, and anonymous. The API and the pages answer the same.
"""
from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from channels_app.models import Channel
from tokens_app import people, roles
from tokens_app.models import Invite
from tokens_app.service import issue

pytestmark = pytest.mark.django_db


def persona(name: str, role: str | None = None, **flags) -> User:
    user = User.objects.create_user(name, password=f"pw-{name}-12345", **flags)
    if role:
        roles.set_role(user, role)
    return User.objects.get(pk=user.pk)


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    return client


@pytest.fixture
def cast():
    return {"owner": persona("boss", is_superuser=True, is_staff=True), "editor": persona("ed", roles.EDITOR),
            "staff": persona("old-staff", is_staff=True), "viewer": persona("vi", roles.VIEWER),
            "plain": persona("plain")}


@pytest.fixture
def channel():
    return Channel.objects.create(id="site-chan", url="https://example.org/c", source_url="x", extractor="x",
                                  raw_id="chan", title="A channel")


def test_roles_of_accounts_old_and_new(cast):
    assert {name: roles.role_of(user) for name, user in cast.items()} == {
        "owner": "owner", "editor": "editor", "staff": "editor", "viewer": "viewer", "plain": "viewer"}
    demoted = cast["owner"]
    roles.set_role(demoted, roles.VIEWER)  # a superuser given a weaker role stops being one
    demoted = User.objects.get(pk=demoted.pk)
    assert not demoted.is_superuser and not demoted.is_staff and roles.role_of(demoted) == "viewer"
    cast["staff"].is_active = False
    assert roles.role_of(cast["staff"]) is None


def test_a_viewer_reads_but_every_write_is_403(cast, channel, redis_client):
    viewer = api(cast["viewer"])
    assert viewer.get("/api/channels/").status_code == 200
    assert viewer.post(f"/api/channels/{channel.id}/sync/").status_code == 403
    assert viewer.patch(f"/api/channels/{channel.id}/", {"sleep_min": 1}, format="json").status_code == 403
    assert viewer.delete(f"/api/channels/{channel.id}/").status_code == 403
    page = web(cast["viewer"])
    assert page.post(f"/channels/{channel.id}/do/sync/").status_code == 403
    assert page.post("/channels/add/", {"url": "https://example.org/x"}).status_code == 403
    assert page.get("/people/").status_code == 403
    shown = page.get(f"/channels/{channel.id}/").content.decode()
    assert "Full rescan" not in shown and 'href="/people/"' not in shown


def test_an_editor_syncs_and_sets_options_but_manages_no_one(cast, channel, redis_client):
    for who in ("editor", "staff"):
        editor = api(cast[who])
        assert editor.post(f"/api/channels/{channel.id}/sync/").status_code in (202, 409), who
        assert editor.patch(f"/api/channels/{channel.id}/", {"sleep_min": 1}, format="json").status_code == 200
        assert editor.post("/api/ytdlp/update/", {"version": "2099.1.1"}, format="json").status_code == 403
        assert editor.put("/api/cookies/", {"text": "x"}, format="json").status_code == 403
        page = web(cast[who])
        shown = page.get(f"/channels/{channel.id}/").content.decode()
        assert "Full rescan" in shown and 'href="/people/"' not in shown
        assert page.get("/people/").status_code == 403
        assert page.post("/people/new/", {"kind": "invite", "role": "owner"}).status_code == 403
        assert page.post(f"/people/{cast['viewer'].pk}/role/", {"role": "owner"}).status_code == 403
        assert page.post("/queue/ytdlp/update/", {"version": "2099.1.1"}).status_code == 403
    assert roles.role_of(User.objects.get(pk=cast["viewer"].pk)) == "viewer"
    assert not Invite.objects.exists()


def test_anonymous_gets_401_and_the_login_page(channel):
    assert APIClient().post(f"/api/channels/{channel.id}/sync/").status_code == 401
    assert Client().get("/people/").url.startswith("/login/?next=/people/")


def test_the_people_page_needs_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["owner"])
    assert client.post(f"/people/{cast['viewer'].pk}/role/", {"role": "owner"}).status_code == 403
    assert roles.role_of(User.objects.get(pk=cast["viewer"].pk)) == "viewer"


def test_the_owner_sets_roles_deactivates_and_revokes_tokens(cast):
    owner = web(cast["owner"])
    page = owner.get("/people/").content.decode()
    assert all(f'data-person="{u.username}"' in page for u in cast.values())
    assert owner.post(f"/people/{cast['viewer'].pk}/role/", {"role": "editor"}, follow=True).status_code == 200
    assert roles.role_of(User.objects.get(pk=cast["viewer"].pk)) == "editor"
    bad = owner.post(f"/people/{cast['viewer'].pk}/role/", {"role": "king"}, follow=True)
    assert "Choose a role" in bad.content.decode()
    issue(cast["editor"])
    issue(cast["editor"])
    done = owner.post(f"/people/{cast['editor'].pk}/revoke-tokens/", follow=True).content.decode()
    assert "Revoked 2 API tokens of ed." in done and not AuthToken.objects.filter(user=cast["editor"]).exists()
    editor_api = api(cast["editor"])
    assert editor_api.get("/api/channels/").status_code == 200
    owner.post(f"/people/{cast['editor'].pk}/deactivate/")
    assert not User.objects.get(pk=cast["editor"].pk).is_active
    assert editor_api.get("/api/channels/").status_code == 401  # deactivating revoked the token too
    assert not Client().login(username="ed", password="pw-ed-12345")
    owner.post(f"/people/{cast['editor'].pk}/activate/")
    assert Client().login(username="ed", password="pw-ed-12345")


def test_the_last_owner_cannot_be_demoted_or_deactivated(cast):
    owner = web(cast["owner"])
    refused = owner.post(f"/people/{cast['owner'].pk}/role/", {"role": "viewer"}, follow=True).content.decode()
    assert "last owner" in refused and roles.role_of(User.objects.get(pk=cast["owner"].pk)) == "owner"
    refused = owner.post(f"/people/{cast['owner'].pk}/deactivate/", follow=True).content.decode()
    assert "your own account" in refused


def test_an_account_made_now_keeps_the_form_on_an_error(cast):
    owner = web(cast["owner"])
    short = owner.post("/people/new/", {"kind": "account", "username": "kid", "password": "abc", "role": "viewer"})
    body = short.content.decode()
    assert short.status_code == 400 and "too short" in body and 'value="kid"' in body
    taken = owner.post("/people/new/", {"kind": "account", "username": "ED", "password": "a-long-pass-1"})
    assert taken.status_code == 400 and "already an account named ED" in taken.content.decode()
    made = owner.post("/people/new/", {"kind": "account", "username": "kid", "password": "kid-pass-9876",
                                       "role": "editor"}, follow=True)
    assert "Made the account kid (editor)." in made.content.decode()
    assert Client().login(username="kid", password="kid-pass-9876")


def test_an_invite_works_once_and_is_stored_as_a_digest(cast):
    owner = web(cast["owner"])
    page = owner.post("/people/new/", {"kind": "invite", "role": "editor", "note": "my sister"}).content.decode()
    link = re.search(r'<code id="one-time-link">(http://[^<]+)</code>', page).group(1)
    key = link.rstrip("/").rsplit("/", 1)[1]
    invite = Invite.objects.get()
    assert key not in invite.digest and len(invite.digest) == 64 and invite.note == "my sister"
    assert "my sister" in owner.get("/people/").content.decode()
    stranger = Client()
    path = link.split("testserver", 1)[1]
    assert "invited as an <strong>editor</strong>" in stranger.get(path).content.decode()
    bad = stranger.post(path, {"username": "sis", "password": "123"})
    assert bad.status_code == 400 and 'value="sis"' in bad.content.decode()
    assert stranger.post(path, {"username": "sis", "password": "sis-pass-4321"}).url == "/login/"
    assert roles.role_of(User.objects.get(username="sis")) == "editor"
    again = Client().post(path, {"username": "sis2", "password": "sis-pass-4321"})
    assert again.status_code == 404 and not User.objects.filter(username="sis2").exists()
    assert Client().get("/people/invite/not-a-key/").status_code == 404


def test_a_withdrawn_or_expired_invite_opens_nothing(cast):
    issued = people.invite(roles.VIEWER, cast["owner"])
    web(cast["owner"]).post(f"/people/invites/{issued.invite.pk}/withdraw/")
    assert Client().get(f"/people/invite/{issued.key}/").status_code == 404
    late = people.invite(roles.VIEWER, cast["owner"])
    Invite.objects.filter(pk=late.invite.pk).update(expires_at="2000-01-01T00:00Z")
    assert Client().get(f"/people/invite/{late.key}/").status_code == 404


def test_a_reset_link_sets_a_password_once(cast):
    owner = web(cast["owner"])
    page = owner.post(f"/people/{cast['viewer'].pk}/reset-link/").content.decode()
    path = re.search(r'<code id="one-time-link">http://testserver([^<]+)</code>', page).group(1)
    person = Client()
    form = person.get(path, follow=True)
    assert "New password" in form.content.decode() and form.redirect_chain  # Django hides the token from the URL
    set_url = form.redirect_chain[-1][0]
    done = person.post(set_url, {"new_password1": "fresh-pass-777", "new_password2": "fresh-pass-777"})
    assert done.status_code == 302 and done.url == "/login/"
    assert Client().login(username="vi", password="fresh-pass-777")
    used = Client().get(path, follow=True).content.decode()
    assert "used or expired" in used
