"""API permissions in one place (roles: tokens_app.roles): any signed-in account reads, editors write the
catalog, owners change what the whole site shares, and anyone signed in keeps their own watch state."""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from tokens_app import roles


class _ReadsSignedInWritesWhen(BasePermission):
    """Reads need an account; a write needs ``may_write(user)`` as well (each subclass names its rule)."""

    @staticmethod
    def may_write(user) -> bool:
        raise NotImplementedError

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or self.may_write(user)


class ReadAuthenticatedWriteStaff(_ReadsSignedInWritesWhen):
    """Writes (add, sync, options, retry, delete) need an editor (or owner).

    The name is from before roles (staff wrote); it stays the settings' default permission class."""

    message = "Changing the archive needs an editor's account (ask the archive's owner)."
    may_write = staticmethod(roles.can_edit)


class ReadAuthenticatedWriteOwner(_ReadsSignedInWritesWhen):
    """Writes need an owner: site-wide settings (yt-dlp updates, the global cookies)."""

    message = "Changing a site-wide setting needs the owner's account."
    may_write = staticmethod(roles.can_manage_people)


class SignedInOwnState(_ReadsSignedInWritesWhen):
    """Any signed-in person reads and writes their own per-person state (watched, position): that changes
    nothing of the archive, so it needs no editor (library_app.watching keeps it per person)."""

    message = "Sign in to keep your own watch state."

    @staticmethod
    def may_write(user) -> bool:
        return True
