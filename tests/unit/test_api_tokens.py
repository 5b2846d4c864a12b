"""API tokens are kept as digests, expire, and are revoked from the API and the web page (tokens_app)."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tokens_app import service
from tokens_app.auth import EXPIRED

pytestmark = pytest.mark.django_db


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def reader():
    return User.objects.create_user("reader", password="pw-reader-123")


def every_stored_text() -> str:
    """Every row of every table, as text: where a key kept in plain text would show."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.append(repr(cursor.fetchall()))
    return "\n".join(chunks)


def test_the_database_holds_a_digest_and_nothing_read_from_it_authenticates(reader):
    answer = APIClient().post("/api/auth/token/", {"username": "reader", "password": "pw-reader-123"})
    key = answer.json()["token"]
    assert with_token(key).get("/api/channels/").status_code == 200
    assert key not in every_stored_text()
    row = AuthToken.objects.get(user=reader)
    assert len(row.digest) == 128 and row.digest != key and key.startswith(row.token_key)
    for stolen in (row.digest, row.token_key, row.digest[:64]):
        refused = with_token(stolen).get("/api/channels/")
        assert refused.status_code == 401 and refused.json()["detail"] == "Invalid token."


def test_the_default_expiry_and_never(reader):
    issued = service.issue(reader)
    left = issued.token.expiry - timezone.now()
    assert timedelta(days=89, hours=23) < left <= timedelta(days=90)
    with override_settings(TOKEN_TTL_DAYS=0):
        answer = APIClient().post("/api/auth/token/", {"username": "reader", "password": "pw-reader-123"})
    assert answer.status_code == 200 and answer.json()["expiry"] is None
    assert with_token(answer.json()["token"]).get("/api/channels/").status_code == 200


def test_an_expired_token_answers_401_saying_so_and_is_gone(reader):
    issued = service.issue(reader, ttl=timedelta(seconds=-1))
    refused = with_token(issued.key).get("/api/channels/")
    assert refused.status_code == 401 and refused.json()["detail"] == EXPIRED
    assert refused["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.filter(pk=issued.token.pk).exists()


def test_logout_revokes_this_token_only(reader):
    this, other = service.issue(reader), service.issue(reader)
    assert with_token(this.key).post("/api/auth/logout/").status_code == 204
    gone = with_token(this.key).get("/api/channels/")
    assert gone.status_code == 401 and gone.json()["detail"] == "Invalid token."
    assert with_token(other.key).get("/api/channels/").status_code == 200
    session = APIClient()
    session.force_login(reader)
    refused = session.post("/api/auth/logout/")
    assert refused.status_code == 400 and "no API token" in refused.json()["detail"]
    assert APIClient().post("/api/auth/logout/").status_code == 401


def test_list_shows_ids_and_dates_never_a_key_and_revoke_by_id(reader):
    staff = User.objects.create_user("boss", password="pw-boss-12345", is_staff=True)
    mine, spare, theirs = service.issue(reader), service.issue(reader, ttl=None), service.issue(staff)
    client = with_token(mine.key)
    listed = client.get("/api/auth/tokens/")
    assert listed.status_code == 200
    assert {t["id"] for t in listed.json()} == {mine.token.token_key, spare.token.token_key}
    assert [t["current"] for t in listed.json() if t["id"] == mine.token.token_key] == [True]
    assert [t["expiry"] for t in listed.json() if t["id"] == spare.token.token_key] == [None]
    text = listed.content.decode()
    assert mine.key not in text and spare.key not in text and mine.token.digest not in text
    assert set(listed.json()[0]) == {"id", "created", "expiry", "current"}
    # someone else's token is not yours to revoke (a reader revokes their own: no staff needed)
    foreign = client.delete(f"/api/auth/tokens/{theirs.token.token_key}/")
    assert foreign.status_code == 404 and theirs.token.token_key in foreign.json()["detail"]
    assert with_token(theirs.key).get("/api/channels/").status_code == 200
    assert client.delete(f"/api/auth/tokens/{spare.token.token_key}/").status_code == 204
    assert with_token(spare.key).get("/api/channels/").status_code == 401
    assert client.delete(f"/api/auth/tokens/{spare.token.token_key}/").status_code == 404


def test_the_web_page_creates_once_lists_and_revokes_with_csrf(reader):
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/tokens/").status_code == 302  # to the login page
    browser.force_login(reader)
    page = browser.get("/tokens/")
    assert page.status_code == 200 and b'href="/tokens/"' in page.content and b"no API tokens" in page.content
    csrf = page.cookies["csrftoken"].value
    assert browser.post("/tokens/").status_code == 403  # no CSRF token
    made = browser.post("/tokens/", {"csrfmiddlewaretoken": csrf})
    token = AuthToken.objects.get(user=reader)
    key = made.content.decode().split('<code id="new-token">')[1].split("</code>")[0]
    assert key.startswith(token.token_key) and with_token(key).get("/api/channels/").status_code == 200
    again = browser.get("/tokens/").content.decode()
    assert key not in again and f"{token.token_key}…" in again and "Revoke" in again
    revoked = browser.post(f"/tokens/revoke/{token.token_key}/", {"csrfmiddlewaretoken": csrf}, follow=True)
    assert f"Revoked token {token.token_key}" in revoked.content.decode()
    assert with_token(key).get("/api/channels/").status_code == 401
    assert browser.get(f"/tokens/revoke/{token.token_key}/").status_code == 405


def test_a_bad_ttl_stops_the_settings_naming_the_variable():
    env = {**os.environ, "YTARCHIVE_TOKEN_TTL_DAYS": "-3", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0 and "YTARCHIVE_TOKEN_TTL_DAYS" in result.stderr
