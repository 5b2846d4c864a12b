"""Invitations to make an account (tokens_app.people): kept as a digest of their key, one use, with an expiry."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Invite(models.Model):
    """A link the owner hands out; whoever opens it first picks a name and a password and gets ``role``.

    Only the SHA-256 digest of the link's key is stored: the database alone opens nothing."""

    digest = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=10)
    note = models.CharField(max_length=200, blank=True, help_text="Whom it is for (shown to the owner only).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invite {self.pk} ({self.role})"
