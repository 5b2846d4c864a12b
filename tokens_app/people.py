"""People, without the Django admin: make an account, invite someone, reset a password, deactivate, revoke
someone's tokens. The owner's page (front_app.pages.people) is glue over these.

An invite's key is 32 random bytes shown once, in the link; the database keeps its SHA-256 digest, and
redeeming it is an atomic claim (an UPDATE of an unused, unexpired row, checked by its row count), so a
link opened twice at once makes one account. A password reset link is Django's own token: it works once
(it is bound to the password it replaces) and for PASSWORD_RESET_TIMEOUT seconds.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken

from archiver.errors import UserError
from tokens_app import roles
from tokens_app.models import Invite

log = logging.getLogger(__name__)
INVITE_DAYS = 7
USERNAME_MAX = 150


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _check_username(username: str) -> str:
    name = (username or "").strip()
    users = get_user_model()
    if not name:
        raise UserError("Give the account a name.")
    try:
        users.username_validator(name)
    except ValidationError:
        raise UserError("A name may hold letters, digits and @ . + - _ only.")
    if len(name) > USERNAME_MAX:
        raise UserError(f"A name has at most {USERNAME_MAX} characters.")
    if users.objects.filter(username__iexact=name).exists():
        raise UserError(f"There is already an account named {name}.")
    return name


def _check_password(password: str, user=None) -> None:
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages))


def _check_role(role: str) -> str:
    if role not in roles.ROLES:
        raise UserError(f"Choose a role: {', '.join(roles.ROLES)}.")
    return role


@transaction.atomic
def create_account(username: str, password: str, role: str):
    """A new account with ``role``; every problem with the input is one UserError naming it."""
    name, role = _check_username(username), _check_role(role)
    _check_password(password, get_user_model()(username=name))
    try:
        user = get_user_model().objects.create_user(name, password=password)
    except IntegrityError:
        raise UserError(f"There is already an account named {name}.")
    roles.set_role(user, role)
    log.info("account %s made with role %s", name, role)
    return user


class Issued(NamedTuple):
    invite: Invite
    key: str


def invite(role: str, created_by, note: str = "") -> Issued:
    key = secrets.token_urlsafe(32)
    made = Invite.objects.create(digest=_digest(key), role=_check_role(role), note=(note or "").strip()[:200],
                                 created_by=created_by, expires_at=timezone.now() + timedelta(days=INVITE_DAYS))
    return Issued(made, key)


def open_invite(key: str) -> Invite | None:
    """The unused, unexpired invite with this key (None: no such link, used, or expired)."""
    return Invite.objects.filter(digest=_digest(key or ""), used_at__isnull=True,
                                 expires_at__gt=timezone.now()).first()


@transaction.atomic
def redeem(key: str, username: str, password: str):
    """Make the invited account: the invite is claimed first (one account per link, whoever comes second
    is told it was used), and given back if the name or password is refused."""
    found = open_invite(key)
    if found is None:
        raise UserError("This invitation is used, expired or unknown: ask the archive's owner for a new one.")
    name = _check_username(username)
    _check_password(password, get_user_model()(username=name))
    claimed = Invite.objects.filter(pk=found.pk, used_at__isnull=True, expires_at__gt=timezone.now()).update(
        used_at=timezone.now())
    if claimed != 1:
        raise UserError("This invitation was used a moment ago: ask the archive's owner for a new one.")
    user = get_user_model().objects.create_user(name, password=password)
    roles.set_role(user, found.role)
    Invite.objects.filter(pk=found.pk).update(used_by=user)
    log.info("account %s made from invite %s with role %s", name, found.pk, found.role)
    return user


def withdraw_invite(pk: int) -> int:
    deleted, _ = Invite.objects.filter(pk=pk, used_at__isnull=True).delete()
    return deleted


def open_invites():
    return Invite.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now()).select_related("created_by")


def reset_path(user) -> str:
    """The one-time path that lets ``user`` choose a new password (front_app.pages.people serves it)."""
    return f"/people/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"


def change_role(actor, user, role: str) -> None:
    _check_role(role)
    if roles.role_of(user) == roles.OWNER and role != roles.OWNER and roles.owners_left(excluding=user) == 0:
        raise UserError(f"{user.username} is the last owner: make someone else an owner first.")
    roles.set_role(user, role)
    log.info("%s gave %s the role %s", actor.username, user.username, role)


def set_active(actor, user, active: bool) -> None:
    if not active and user.pk == actor.pk:
        raise UserError("You cannot deactivate your own account.")
    if not active and roles.role_of(user) == roles.OWNER and roles.owners_left(excluding=user) == 0:
        raise UserError(f"{user.username} is the last owner: make someone else an owner first.")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        revoke_tokens(user)
    log.info("%s %s %s", actor.username, "reactivated" if active else "deactivated", user.username)


def revoke_tokens(user) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
