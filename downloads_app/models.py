"""A sample of the archive's totals, taken on a schedule, so the stats page can draw them over time.

What the catalog holds now is always at hand (StatusCount rows, Video timestamps), but how it got here is
not: storage, the queue, failures and the disk's free space are only known as they are now. A
``StatsSample`` keeps them every YTARCHIVE_STATS_SAMPLE_SECONDS (downloads_app.stats.take_sample, on the
maintenance lane); a few dozen bytes each, pruned after YTARCHIVE_STATS_KEEP_DAYS.
"""
from django.db import models


class StatsSample(models.Model):
    taken_at = models.DateTimeField(db_index=True)
    videos = models.BigIntegerField(default=0, help_text="Videos in the catalog, any status.")
    archived = models.BigIntegerField(default=0)
    archived_bytes = models.BigIntegerField(default=0, help_text="Sum of the archived videos' sizes.")
    queued = models.BigIntegerField(default=0, help_text="New or queued: waiting for a worker.")
    downloading = models.BigIntegerField(default=0, help_text="Downloads holding a lease at the sample.")
    retrying = models.BigIntegerField(default=0)
    failed = models.BigIntegerField(default=0)
    dead_letters = models.BigIntegerField(default=0, help_text="Failed after all their retries.")
    disk_free_bytes = models.BigIntegerField(null=True, blank=True)
    disk_size_bytes = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["taken_at"]

    def __str__(self):
        return f"sample at {self.taken_at:%Y-%m-%d %H:%M}"
