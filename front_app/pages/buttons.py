"""What every page's buttons share: changing the archive needs an editor (tokens_app.roles), site-wide
settings and people need the owner, and a button goes back where it was.

A button is a POST: its view does one thing and returns the sentence to show; a refusal of ours
(``UserError``) is shown instead, never a traceback.
"""
from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from archiver.errors import UserError
from tokens_app import roles


def editor_only(request) -> None:
    if not roles.can_edit(request.user):
        raise PermissionDenied("Changing the archive needs an editor's account (ask the archive's owner).")


def owner_only(request) -> None:
    if not roles.can_manage_people(request.user):
        raise PermissionDenied("Only the archive's owner can do this.")


staff_only = editor_only  # the name from before roles (staff wrote); pages may still call it


def safe_next(target: str) -> str:
    """Where to go after a button: a path of this site, never another host (``//host`` is one)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def staff_button(back: str, allowed=editor_only):
    """A POST view for editors (or, with ``allowed=owner_only``, the owner) that returns its message; then back
    to ``back`` (or the form's safe ``next``)."""
    def wrap(view):
        @login_required
        @require_POST
        @functools.wraps(view)
        def button(request, *args, **kwargs):
            allowed(request)
            try:
                messages.success(request, view(request, *args, **kwargs))
            except UserError as exc:
                messages.error(request, str(exc))
            return redirect(safe_next(request.POST.get("next", back)))
        return button
    return wrap
