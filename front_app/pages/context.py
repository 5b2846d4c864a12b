"""What every template may ask of the signed-in account: ``can_edit`` (add, sync, options, retry) and
``can_manage_people`` (the owner: people, site-wide settings); and ``signin_provider``, the name of the identity
provider the login page offers (empty: none). The one rule is tokens_app.roles; a page
shows a button only when its POST would be allowed (each POST checks again, whatever the page showed).

Both are lazy: a page that asks neither costs no query."""
from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from tokens_app import roles


def permissions(request) -> dict:
    user = getattr(request, "user", None)
    oidc = settings.YTARCHIVE_OIDC
    return {"can_edit": SimpleLazyObject(lambda: roles.can_edit(user)),
            "can_manage_people": SimpleLazyObject(lambda: roles.can_manage_people(user)),
            "signin_provider": oidc["NAME"] if oidc["ENABLED"] else ""}  # the login page's "Sign in with …"
