"""Who may do what: three roles, kept as Django groups (made by migration 0002), read in one place.

- viewer: reads the library (every signed-in account can).
- editor: also changes the catalog: add, sync, options, retry, cookies of a channel.
- owner: also manages people (accounts, roles, invites, others' tokens) and site-wide settings
  (yt-dlp updates, the global cookies).

A role is the group an account belongs to. Accounts made before roles existed keep working: a superuser
is always an owner, and a staff account without a role group is an editor; any other account is a
viewer. Pages, templates (``can_edit`` and ``can_manage_people``, front_app.pages.context), the API's
permission classes (front_app.http.permissions) and the sign-in mappings all ask this module.
"""
from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

OWNER, EDITOR, VIEWER = "owner", "editor", "viewer"
ROLES = (OWNER, EDITOR, VIEWER)  # strongest first
_RANK = {role: rank for rank, role in enumerate(ROLES)}
_CACHE = "_ytarchive_role"


def role_of(user) -> str | None:
    """The account's role (None: not signed in, or deactivated); read once per request object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return assigned_role(user)


def assigned_role(user) -> str:
    """The role the account holds, active or not (the people page shows it)."""
    cached = user.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    if user.is_superuser:
        role = OWNER
    else:
        names = {group.name for group in user.groups.all()}  # one query, or none when prefetched
        role = strongest(names) or (EDITOR if user.is_staff else VIEWER)
    user.__dict__[_CACHE] = role
    return role


def strongest(roles) -> str | None:
    """The strongest of ``roles`` (names that are no role are left out); None when there is none."""
    known = [r for r in roles if r in _RANK]
    return min(known, key=_RANK.__getitem__) if known else None


def for_groups(groups, mapping: dict[str, str]) -> str | None:
    """The strongest role ``mapping`` (group -> role: YTARCHIVE_OIDC_ROLES, YTARCHIVE_REMOTE_ROLES) gives any of
    ``groups``; None when none of them is mapped."""
    return strongest(mapping[g] for g in groups if g in mapping)


def can_edit(user) -> bool:
    return role_of(user) in (OWNER, EDITOR)


def can_manage_people(user) -> bool:
    return role_of(user) == OWNER


def owners_left(excluding=None) -> int:
    """Active owners (superusers and the owner group), not counting ``excluding``."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    users = get_user_model().objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(groups__name=OWNER))
    if excluding is not None:
        users = users.exclude(pk=excluding.pk)
    return users.distinct().count()


@transaction.atomic
def set_role(user, role: str) -> None:
    """Give ``user`` exactly ``role``. A superuser given a weaker role stops being one (or the role would not
    hold); staff (the Django admin's door) follows the role: owners and editors keep it, viewers lose it."""
    if role not in _RANK:
        raise ValueError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    missing = [name for name in ROLES if name not in groups]
    for name in missing:  # a database migrated before 0002 ran, or groups deleted in the admin
        groups[name], _ = Group.objects.get_or_create(name=name)
    user.groups.remove(*[groups[name] for name in ROLES if name != role])
    user.groups.add(groups[role])
    if role != OWNER:
        user.is_superuser = False
    if role == VIEWER:
        user.is_staff = False
    user.save(update_fields=["is_superuser", "is_staff"])
    user.__dict__.pop(_CACHE, None)
