"""What every page's buttons share: changing the archive needs staff, and a button goes back where it was.

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


def staff_only(request) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("Changing the archive needs a staff account.")


def safe_next(target: str) -> str:
    """Where to go after a button: a path of this site, never another host (``//host`` is one)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def staff_button(back: str):
    """A staff-only POST view that returns its message; then back to ``back`` (or the form's safe ``next``)."""
    def wrap(view):
        @login_required
        @require_POST
        @functools.wraps(view)
        def button(request, *args, **kwargs):
            staff_only(request)
            try:
                messages.success(request, view(request, *args, **kwargs))
            except UserError as exc:
                messages.error(request, str(exc))
            return redirect(safe_next(request.POST.get("next", back)))
        return button
    return wrap
