"""Channels and their syncs."""
from django.conf import settings
from django.db import models
from django.db.models import Q


def default_sync_interval_hours() -> float:
    return settings.YTARCHIVE["SYNC_INTERVAL_HOURS"]


class Channel(models.Model):
    """A channel (or playlist) being archived. Its id is its folder name in the archive."""

    id = models.CharField(primary_key=True, max_length=64, editable=False)
    url = models.URLField(max_length=2000, help_text="Canonical URL the listing is read from.")
    source_url = models.CharField(max_length=2000, help_text="The URL as it was given.")
    extractor = models.CharField(max_length=100)
    raw_id = models.CharField(max_length=500, help_text="The id the site itself uses.")
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    uploader = models.CharField(max_length=500, blank=True)
    thumbnail_url = models.URLField(max_length=2000, blank=True)
    enabled = models.BooleanField(default=True, help_text="Scheduled syncs run only when enabled.")
    sync_interval_hours = models.FloatField(default=default_sync_interval_hours)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_full_index_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When a full listing last completed; incremental syncs stop early only after one.",
    )

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title or self.id


class SyncJob(models.Model):
    """One sync of one channel: requested, run on the control queue, its outcome kept."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="syncs")
    full = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=16, default="api")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    videos_seen = models.PositiveIntegerField(default=0)
    videos_new = models.PositiveIntegerField(default=0)
    videos_queued = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_sync_per_channel",
            )
        ]

    def __str__(self):
        return f"sync {self.pk} of {self.channel_id} ({self.status})"
