"""The web app's "API tokens" page: the signed-in user's tokens (prefix, created, expires), create, revoke.

A new key is shown once, in the answer to the POST that made it, and never stored anywhere readable:
not in the session, not in a flash message (both live in the database), only as a digest.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tokens_app import service


@login_required
def tokens_page(request):
    new_key = None
    if request.method == "POST":
        issued = service.issue(request.user)
        new_key = issued.key
    return render(request, "web/tokens.html", {"tokens": service.live(request.user), "new_key": new_key,
                                               "ttl": service.default_ttl()})


@login_required
@require_POST
def revoke(request, token_id: str):
    if service.revoke(request.user, token_id):
        messages.success(request, f"Revoked token {token_id}: it no longer works.")
    else:
        messages.error(request, f"You have no token {token_id}.")
    return redirect("web-tokens")
