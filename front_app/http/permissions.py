"""API permissions in one place: any signed-in user reads, only staff write."""
from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadAuthenticatedWriteStaff(BasePermission):
    """Reads need an account; writes (add, sync, retry, delete) need a staff account."""

    message = "Changing the archive needs a staff account."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.is_staff
