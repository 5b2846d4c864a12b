"""Signed in by the proxy in front (Authelia, Authentik, oauth2-proxy): its YTARCHIVE_REMOTE_USER_HEADER names
the person, and its YTARCHIVE_REMOTE_GROUPS_HEADER their groups (mapped to a role by YTARCHIVE_REMOTE_ROLES).

Any client can send any header, so the header counts only when the request's peer (REMOTE_ADDR: the
connection itself, never X-Forwarded-For) is one of YTARCHIVE_TRUSTED_PROXIES; from anyone else it is
ignored, as if absent. The person is then signed in to a session as with a password: the API and every
page see them. A request without the header changes nothing (the session stays), so a password login
still works where the proxy lets some paths through unauthenticated.
"""
from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model

from tokens_app import roles

log = logging.getLogger(__name__)
BACKEND = "django.contrib.auth.backends.ModelBackend"  # a session signed in here is loaded as any other


def meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def peer_is_trusted(request, networks) -> bool:
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in networks)


def groups_of(request, header: str) -> list[str]:
    raw = request.META.get(meta_key(header), "") if header else ""
    return [g.strip() for g in raw.replace(";", ",").split(",") if g.strip()]


class ForwardAuthMiddleware:
    """After AuthenticationMiddleware: signs in the person a trusted proxy names (no-op when not set up)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        conf = settings.YTARCHIVE_FORWARD_AUTH
        if conf["HEADER"]:
            self.sign_in(request, conf)
        return self.get_response(request)

    def sign_in(self, request, conf) -> None:
        name = request.META.get(meta_key(conf["HEADER"]), "").strip()[:150]
        if not name:
            return
        if not peer_is_trusted(request, conf["TRUSTED_PROXIES"]):
            log.debug("%s from %s ignored: not a trusted proxy", conf["HEADER"], request.META.get("REMOTE_ADDR"))
            return
        if request.user.is_authenticated and request.user.get_username().lower() == name.lower():
            return
        users = get_user_model()
        user = users.objects.filter(username__iexact=name).first()
        role = roles.for_groups(groups_of(request, conf["GROUPS_HEADER"]), conf["ROLES"])
        if user is None:
            if not conf["CREATE_USERS"]:
                log.info("%s named %s, who has no account (YTARCHIVE_REMOTE_CREATE_USERS is off)", conf["HEADER"],
                         name)
                return
            user = users.objects.create_user(name)
            roles.set_role(user, role or roles.VIEWER)
            log.info("account %s made at its first sign-in through the proxy, role %s", name, role or roles.VIEWER)
        elif role and role != roles.assigned_role(user):
            roles.set_role(user, role)
        if not user.is_active:
            return
        auth.login(request, user, backend=BACKEND)
        log.info("%s signed in by the proxy's %s header", user.username, conf["HEADER"])
