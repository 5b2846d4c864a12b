"""The owner's "People" page: every account with its role; make an account or an invite link, change a
role, hand out a one-time password reset link, deactivate, revoke someone's API tokens. Without the
Django admin. Every POST checks the owner's role again (front_app.pages.buttons.owner_only); the work is
tokens_app.people's.

A link (invite, reset) is shown once, in the answer to the POST that made it, never in a flash message
(those are kept in the database) nor anywhere else readable.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from archiver.errors import UserError
from front_app.pages.buttons import owner_only
from tokens_app import people, roles


def _page(request, *, status: int = 200, link: str | None = None, link_what: str = "", form: dict | None = None):
    users = get_user_model().objects.annotate(tokens=Count("auth_token_set", distinct=True)).order_by(
        "-is_active", "username").prefetch_related("groups")
    rows = [{"user": u, "role": roles.assigned_role(u), "me": u.pk == request.user.pk} for u in users]
    return render(request, "web/people.html", {
        "rows": rows, "roles": roles.ROLES, "invites": people.open_invites(), "link": link,
        "link_what": link_what, "form": form or {}, "invite_days": people.INVITE_DAYS,
    }, status=status)


@login_required
def people_page(request):
    owner_only(request)
    return _page(request)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


@login_required
@require_POST
def create(request):
    """Make an account with a password now, or (``kind=invite``) an invite link for whoever gets it."""
    owner_only(request)
    role = request.POST.get("role", roles.VIEWER)
    if request.POST.get("kind") == "invite":
        try:
            issued = people.invite(role, request.user, request.POST.get("note", ""))
        except UserError as exc:
            messages.error(request, str(exc))
            return _page(request, status=400, form=request.POST)
        return _page(request, link=_absolute(request, f"/people/invite/{issued.key}/"),
                     link_what=f"Invitation ({issued.invite.role}); it works once, for {people.INVITE_DAYS} days")
    try:
        user = people.create_account(request.POST.get("username", ""), request.POST.get("password", ""), role)
    except UserError as exc:
        messages.error(request, str(exc))
        return _page(request, status=400, form=request.POST)
    messages.success(request, f"Made the account {user.username} ({roles.assigned_role(user)}).")
    return redirect("web-people")


@login_required
@require_POST
def change(request, pk: int, action: str):
    """role, deactivate, activate, revoke-tokens, reset-link: one form each on the row of ``pk``."""
    owner_only(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    try:
        if action == "role":
            people.change_role(request.user, user, request.POST.get("role", ""))
            messages.success(request, f"{user.username} is now {roles.assigned_role(user)}.")
        elif action in ("deactivate", "activate"):
            people.set_active(request.user, user, action == "activate")
            done = "can sign in again" if user.is_active else "can no longer sign in; their API tokens were revoked"
            messages.success(request, f"{user.username} {done}.")
        elif action == "revoke-tokens":
            count = people.revoke_tokens(user)
            messages.success(request, f"Revoked {count} API token{'s' if count != 1 else ''} of {user.username}.")
        elif action == "reset-link":
            if not user.is_active:
                raise UserError(f"{user.username} is deactivated: reactivate the account first.")
            return _page(request, link=_absolute(request, people.reset_path(user)),
                         link_what=f"Password reset link for {user.username}; it works once")
        else:
            raise UserError(f"Unknown action {action}.")
    except UserError as exc:
        messages.error(request, str(exc))
    return redirect("web-people")


@login_required
@require_POST
def withdraw(request, pk: int):
    owner_only(request)
    if people.withdraw_invite(pk):
        messages.success(request, "Invitation withdrawn: its link no longer works.")
    else:
        messages.error(request, "No such open invitation.")
    return redirect("web-people")


def accept_invite(request, key: str):
    """Whoever has the link picks a name and a password (signed in or not: it makes a new account)."""
    found = people.open_invite(key)
    if found is None:
        return render(request, "web/invite.html", {"gone": True}, status=404)
    if request.method == "POST":
        try:
            people.redeem(key, request.POST.get("username", ""), request.POST.get("password", ""))
        except UserError as exc:
            return render(request, "web/invite.html", {"invite": found, "error": str(exc),
                                                       "username": request.POST.get("username", "")}, status=400)
        messages.success(request, "Your account is ready: log in with the name and password you chose.")
        return redirect("login")
    return render(request, "web/invite.html", {"invite": found})


class ResetPasswordView(auth_views.PasswordResetConfirmView):
    """The reset link an owner handed out: Django's own one-time token, a new password, then the login page."""

    template_name = "web/password_reset.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        messages.success(self.request, "Your password is changed: log in with it.")
        return super().form_valid(form)
