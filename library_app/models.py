"""Per-person state over the catalog: a row per (person, video) watched or started, and per (person, channel)
visited. The catalog (channels_app) never reads these; they go with the person (and the video) when deleted."""
from django.conf import settings
from django.db import models

from channels_app.models import Channel, Video

#: A video watched this far (a fraction of its duration) counts as watched.
WATCHED_FRACTION = 0.9


class WatchState(models.Model):
    """Where one person stopped in one video, and whether they watched it (to 90 %, or said so)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_states")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="watch_states")
    position = models.FloatField(default=0, help_text="Seconds into the video where playback stopped.")
    watched = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="one_watch_state_per_user_video")]
        indexes = [
            # "Continue watching": a person's started, unwatched videos, newest first, off the index.
            models.Index(fields=["user", "watched", "-updated_at"], name="watch_continue_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.video_id} at {self.position:.0f} s{' (watched)' if self.watched else ''}"


class ChannelVisit(models.Model):
    """When one person last opened a channel's page: what is "new" to them is what was archived since."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_visits")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="one_visit_per_user_channel")]

    def __str__(self):
        return f"{self.user_id} saw {self.channel_id} at {self.visited_at:%Y-%m-%d %H:%M}"
