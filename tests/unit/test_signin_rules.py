"""The sign-in settings fail loudly, the forward-auth header counts from a trusted proxy's connection only,
and OpenID Connect claims map to roles (Django's test client; the whole flow is tests/browser/test_signin.py)."""
from __future__ import annotations

import ipaddress

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config import signin_env
from front_app.signin import oidc
from tokens_app import roles

FORWARD = {"HEADER": "Remote-User", "GROUPS_HEADER": "Remote-Groups",
           "TRUSTED_PROXIES": (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128")),
           "ROLES": {"admins": "owner", "family": "editor"}, "CREATE_USERS": True}


@pytest.mark.parametrize(("variables", "says"), [
    ({"YTARCHIVE_OIDC_CLIENT_ID": "x", "YTARCHIVE_OIDC_ISSUER": "https://idp.home"}, "YTARCHIVE_OIDC_CLIENT_SECRET"),
    ({"YTARCHIVE_OIDC_CLIENT_ID": "x", "YTARCHIVE_OIDC_CLIENT_SECRET": "s"}, "YTARCHIVE_OIDC_ISSUER"),
    ({"YTARCHIVE_OIDC_CLIENT_ID": "x", "YTARCHIVE_OIDC_CLIENT_SECRET": "s", "YTARCHIVE_OIDC_ISSUER": "idp.home"},
     "not an http"),
    ({"YTARCHIVE_OIDC_ROLES": "admins=owner"}, "YTARCHIVE_OIDC_ROLES"),
    ({"YTARCHIVE_OIDC_ROLES": "admins:king"}, "YTARCHIVE_OIDC_ROLES"),
    ({"YTARCHIVE_OIDC_DEFAULT_ROLE": "owner"}, "YTARCHIVE_OIDC_DEFAULT_ROLE"),
])
def test_bad_oidc_settings_name_the_variable(monkeypatch, variables, says):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=says):
        signin_env.oidc()


def test_the_secret_comes_from_a_file_and_the_endpoints_may_be_given(monkeypatch, tmp_path):
    (tmp_path / "secret").write_text("from-a-file\n")
    monkeypatch.setenv("YTARCHIVE_OIDC_CLIENT_ID", "ytarchive")
    monkeypatch.setenv("YTARCHIVE_OIDC_CLIENT_SECRET_FILE", str(tmp_path / "secret"))
    for name in ("AUTHORIZATION", "TOKEN", "USERINFO", "JWKS"):
        monkeypatch.setenv(f"YTARCHIVE_OIDC_{name}_ENDPOINT", f"https://idp.home/{name.lower()}")
    monkeypatch.setenv("YTARCHIVE_OIDC_ROLES", "media admins:owner, family:editor")
    values = signin_env.oidc()
    assert values["OIDC_RP_CLIENT_SECRET"] == "from-a-file" and values["OIDC_OP_JWKS_ENDPOINT"] == "https://idp.home/jwks"
    assert values["YTARCHIVE_OIDC"]["ROLES"] == {"media admins": "owner", "family": "editor"}
    assert values["YTARCHIVE_OIDC"]["ENABLED"] and values["OIDC_USE_PKCE"]


def test_a_remote_user_header_needs_trusted_proxies(monkeypatch):
    monkeypatch.setenv("YTARCHIVE_REMOTE_USER_HEADER", "Remote-User")
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_TRUSTED_PROXIES"):
        signin_env.forward_auth()
    monkeypatch.setenv("YTARCHIVE_TRUSTED_PROXIES", "10.0.0.0/8,not-a-network")
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_TRUSTED_PROXIES"):
        signin_env.forward_auth()
    monkeypatch.setenv("YTARCHIVE_TRUSTED_PROXIES", "10.0.0.0/8")
    monkeypatch.setenv("YTARCHIVE_OIDC_ROLES", "admins:owner")
    assert signin_env.forward_auth()["ROLES"] == {"admins": "owner"}  # the OpenID mapping unless its own is set


@pytest.mark.django_db
def test_forward_auth_counts_from_a_trusted_peer_only(settings):
    settings.YTARCHIVE_FORWARD_AUTH = FORWARD
    spoofed = Client().get("/", HTTP_REMOTE_USER="eve", HTTP_REMOTE_GROUPS="admins", REMOTE_ADDR="192.0.2.7",
                           HTTP_X_FORWARDED_FOR="10.0.0.2")  # X-Forwarded-For is no proof of the peer
    assert spoofed.status_code == 302 and spoofed.url.startswith("/login/")
    assert not User.objects.filter(username="eve").exists()
    proxied = Client()
    assert proxied.get("/", HTTP_REMOTE_USER="erin", HTTP_REMOTE_GROUPS="family, users",
                       REMOTE_ADDR="10.1.2.3").status_code == 200
    assert roles.role_of(User.objects.get(username="erin")) == "editor"
    assert proxied.get("/").status_code == 200  # the session stays when the header does not come
    assert proxied.get("/api/channels/", REMOTE_ADDR="::1").status_code == 200  # the API sees the same person
    other = proxied.get("/", HTTP_REMOTE_USER="frank", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200 and "Log out frank" in other.content.decode()  # another person: switched
    assert roles.role_of(User.objects.get(username="frank")) == "viewer"


@pytest.mark.django_db
def test_forward_auth_makes_no_account_when_told_not_to_and_lets_no_deactivated_one_in(settings):
    settings.YTARCHIVE_FORWARD_AUTH = {**FORWARD, "CREATE_USERS": False}
    assert Client().get("/", HTTP_REMOTE_USER="gina", REMOTE_ADDR="10.0.0.9").status_code == 302
    User.objects.create_user("gina", is_active=False)
    assert Client().get("/", HTTP_REMOTE_USER="gina", REMOTE_ADDR="10.0.0.9").status_code == 302


@pytest.mark.django_db
def test_oidc_claims_map_to_roles_and_update_at_each_sign_in(settings):
    settings.YTARCHIVE_OIDC = {**settings.YTARCHIVE_OIDC, "ENABLED": True, "ROLES": {"admins": "owner"},
                               "DEFAULT_ROLE": "viewer", "ROLE_CLAIM": "groups"}
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET, settings.OIDC_RP_SIGN_ALGO = "c", "s", "RS256"
    backend = oidc.Backend()
    hank = backend.create_user({"preferred_username": "hank", "email": "h@x", "groups": ["users"]})
    assert roles.role_of(hank) == "viewer"
    backend.update_user(hank, {"preferred_username": "hank", "groups": ["admins"]})
    assert roles.role_of(User.objects.get(pk=hank.pk)) == "owner"
    backend.update_user(hank, {"preferred_username": "hank", "groups": []})  # no mapped group: the role stays
    assert roles.role_of(User.objects.get(pk=hank.pk)) == "owner"
    assert not backend.verify_claims({"groups": ["admins"]})  # names no one
    settings.YTARCHIVE_OIDC = {**settings.YTARCHIVE_OIDC, "DEFAULT_ROLE": "none"}
    with pytest.raises(Exception, match="no group"):
        backend.create_user({"preferred_username": "ivy", "groups": ["users"]})


def test_a_provider_that_is_down_stops_no_password_login(settings):
    settings.YTARCHIVE_OIDC = {**settings.YTARCHIVE_OIDC, "ENABLED": True, "ISSUER": "http://127.0.0.1:9"}
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET, settings.OIDC_RP_SIGN_ALGO = "c", "s", "RS256"
    oidc._documents.clear()
    backend = oidc.Backend()  # reads no endpoint until someone signs in with the provider
    with pytest.raises(oidc.ProviderUnavailable, match="did not answer"):
        backend.OIDC_OP_TOKEN_ENDPOINT
