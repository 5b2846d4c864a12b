"""Issue, list and revoke a user's API tokens: the one place the API, the web page and the tests go through.

A key is shown once, when issued; afterwards a token is known by its prefix (knox's ``token_key``, the
key's first 15 characters), its creation and its expiry. Revoking deletes the row, so the key stops
working at once, in every web worker.
"""
from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken


class Issued(NamedTuple):
    token: AuthToken
    key: str


def default_ttl() -> timedelta | None:
    days = settings.TOKEN_TTL_DAYS
    return timedelta(days=days) if days else None


def issue(user, ttl: timedelta | str | None = "default") -> Issued:
    """A new token for ``user``; ``ttl`` None never expires, "default" is YTARCHIVE_TOKEN_TTL_DAYS."""
    token, key = AuthToken.objects.create(user=user, expiry=default_ttl() if ttl == "default" else ttl)
    return Issued(token, key)


def live(user):
    """The user's tokens that still work, newest first (expired ones are deleted on the way)."""
    now = timezone.now()
    AuthToken.objects.filter(user=user, expiry__lte=now).delete()
    return AuthToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=now)).order_by("-created")


def revoke(user, prefix: str) -> int:
    """Delete ``user``'s tokens with this prefix; the number deleted (0: none of theirs has it)."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=prefix).delete()
    return deleted

