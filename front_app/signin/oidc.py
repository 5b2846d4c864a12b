"""Sign-in through the home's identity provider with OpenID Connect (mozilla-django-oidc, the code flow with
PKCE and a nonce; the id_token's signature checked against the provider's JWKS, and its issuer, audience
and expiry checked here too).

The endpoints come from YTARCHIVE_OIDC_ISSUER's discovery document (``/.well-known/openid-configuration``),
read when someone first signs in and kept in this process, or from the YTARCHIVE_OIDC_*_ENDPOINT variables.
Nothing here talks to the provider before someone signs in, so a provider that is down never stops the
web app starting nor a password login. An account is the one whose name is the YTARCHIVE_OIDC_USERNAME_CLAIM
(preferred_username); a group claim mapped by YTARCHIVE_OIDC_ROLES sets the role at each sign-in.
"""
from __future__ import annotations

import json
import logging
import threading
import urllib.request

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from tokens_app import roles

log = logging.getLogger(__name__)
DISCOVERED = {"OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint", "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
              "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint", "OIDC_OP_JWKS_ENDPOINT": "jwks_uri"}
_documents: dict[str, dict] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be read, or is not one."""


def conf() -> dict:
    return settings.YTARCHIVE_OIDC


def enabled() -> bool:
    return bool(conf()["ENABLED"])


def discovery(issuer: str) -> dict:
    with _lock:
        if issuer in _documents:
            return _documents[issuer]
    url = f"{issuer}/.well-known/openid-configuration"
    try:  # urllib: requests belongs to the CLI here (docs/architecture.md); its errors are OSErrors too
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310  (an http(s) URL: config.signin_env)
            document = json.load(response)
    except (OSError, ValueError) as exc:
        raise ProviderUnavailable(f"{conf()['NAME']} did not answer ({url}: {exc})") from exc
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer:
        raise ProviderUnavailable(f"{url} is not the discovery document of {issuer}")
    with _lock:
        _documents[issuer] = document
    return document


def setting(attr: str, *default):
    """mozilla-django-oidc's setting ``attr``; an endpoint not set explicitly comes from the discovery document."""
    if attr in DISCOVERED and not getattr(settings, attr, None):
        value = discovery(conf()["ISSUER"]).get(DISCOVERED[attr])
        if not value:
            raise ProviderUnavailable(f"the discovery document of {conf()['ISSUER']} names no {DISCOVERED[attr]}")
        return value
    return import_from_settings(attr, *default)


def _endpoint(name: str):
    return property(lambda self: setting(name))


class Backend(OIDCAuthenticationBackend):
    """The library's backend, made lazy (endpoints on first use) and inert while OpenID Connect is off."""

    OIDC_OP_TOKEN_ENDPOINT = _endpoint("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _endpoint("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _endpoint("OIDC_OP_JWKS_ENDPOINT")
    get_settings = staticmethod(setting)

    def __init__(self, *args, **kwargs):  # the library's reads every endpoint now: that waits for a sign-in
        self.UserModel = get_user_model()
        if enabled():
            self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
            self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
            self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
            self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        if not enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (OSError, ProviderUnavailable, SuspiciousOperation, ValueError) as exc:  # requests' errors are OSErrors
            log.warning("sign-in through %s failed: %s", conf()["NAME"], exc)
            return None

    def get_user(self, user_id):
        """A deactivated account's session stops working at once (the library's would still load it)."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def verify_token(self, token, **kwargs):
        """The library checks the signature, expiry and nonce; the issuer and audience are checked here."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the id_token is not for this client (aud)")
        if conf()["ISSUER"] and str(payload.get("iss", "")).rstrip("/") != conf()["ISSUER"]:
            raise SuspiciousOperation("the id_token is from another issuer (iss)")
        if "exp" not in payload:
            raise SuspiciousOperation("the id_token has no expiry (exp)")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The id_token's claims with the userinfo endpoint's over them (groups may be in either)."""
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def get_username(self, claims) -> str:
        name = claims.get(conf()["USERNAME_CLAIM"]) or claims.get("email") or claims.get("sub") or ""
        return str(name).strip()[:150]

    def _mapped_role(self, claims) -> str | None:
        groups = claims.get(conf()["ROLE_CLAIM"]) if conf()["ROLE_CLAIM"] else None
        if isinstance(groups, str):
            groups = [groups]
        return roles.for_groups(groups or [], conf()["ROLES"])

    def verify_claims(self, claims) -> bool:
        if not self.get_username(claims):
            log.warning("sign-in through %s refused: the claims name no one", conf()["NAME"])
            return False
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username__iexact=self.get_username(claims))

    def create_user(self, claims):
        role = self._mapped_role(claims) or conf()["DEFAULT_ROLE"]
        if role == "none":
            raise SuspiciousOperation(f"{self.get_username(claims)} is in no group YTARCHIVE_OIDC_ROLES maps")
        user = self.UserModel.objects.create_user(self.get_username(claims), email=claims.get("email") or "")
        roles.set_role(user, role)
        log.info("account %s made at its first sign-in through %s, role %s", user.username, conf()["NAME"], role)
        return user

    def update_user(self, user, claims):
        role = self._mapped_role(claims)
        if role and role != roles.assigned_role(user):
            roles.set_role(user, role)
            log.info("%s is %s by their groups at %s", user.username, role, conf()["NAME"])
        return user


class SignInView(OIDCAuthenticationRequestView):
    """/oidc/authenticate/: off to the provider (404 while OpenID Connect is off)."""

    get_settings = staticmethod(setting)

    def __init__(self, *args, **kwargs):  # the library's reads the endpoint now: get() does, and can say why not
        View.__init__(self, *args, **kwargs)

    def get(self, request):
        if not enabled():
            raise Http404("Sign-in through an identity provider is not set up (YTARCHIVE_OIDC_CLIENT_ID).")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as exc:
            log.warning("sign-in through %s unavailable: %s", conf()["NAME"], exc)
            messages.error(request, f"{conf()['NAME']} cannot be reached now; try again, or log in with a password.")
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """/oidc/callback/: the provider sends the person back here with a code."""

    get_settings = staticmethod(setting)

    def get(self, request):
        if not enabled():
            raise Http404("Sign-in through an identity provider is not set up (YTARCHIVE_OIDC_CLIENT_ID).")
        return super().get(request)

    def login_failure(self):
        messages.error(self.request, f"Signing in with {conf()['NAME']} did not work; try again, or log in with "
                                     "a password.")
        return redirect("login")
