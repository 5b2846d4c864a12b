"""Videos: what a listing found, and what became of each download."""
from django.db import models

from channels_app.models import Channel


class Video(models.Model):
    class Status(models.TextChoices):
        NEW = "new"  # listed, not queued yet
        QUEUED = "queued"  # a download task is on its way (or running)
        ARCHIVED = "archived"
        FAILED = "failed"

    class FailureKind(models.TextChoices):
        NONE = ""
        PERMANENT = "permanent"  # private, removed, members-only, 404: never retried by itself
        TRANSIENT = "transient"  # retries exhausted: the dead-letter list

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="videos")
    video_id = models.CharField(max_length=64, help_text="Path-safe id: the video's folder name.")
    raw_id = models.CharField(max_length=500)
    url = models.CharField(max_length=2000)
    title = models.CharField(max_length=1000, blank=True)
    tab = models.CharField(max_length=32, blank=True)
    duration = models.FloatField(null=True, blank=True)
    upload_date = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    failure_kind = models.CharField(max_length=16, choices=FailureKind.choices, blank=True, default="")
    last_error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    video_file = models.CharField(max_length=64, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    subtitles = models.JSONField(default=list, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-upload_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "video_id"], name="unique_video_per_channel")
        ]
        indexes = [models.Index(fields=["channel", "status"])]

    def __str__(self):
        return f"{self.channel_id}/{self.video_id}"

    @property
    def dead_letter(self) -> bool:
        return self.status == self.Status.FAILED and self.failure_kind == self.FailureKind.TRANSIENT
