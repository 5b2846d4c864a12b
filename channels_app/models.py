"""The catalog: channels, their syncs, and the videos a sync found.

Everything else (downloads, outcomes, retries, scaling) lives in downloads_app,
which depends on this app and never the other way round.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from archiver.limits import MAX_SYNC_INTERVAL_HOURS, MIN_SYNC_INTERVAL_HOURS
from archiver.vocabulary import (
    ACTIVE_JOB,
    STORED_VIDEO_STATUSES,
    Availability,
    FailureKind,
    FixityStatus,
    JobStatus,
    VideoStatus,
)
from channels_app import option_fields


def default_sync_interval_hours() -> float:
    return settings.YTARCHIVE["SYNC_INTERVAL_HOURS"]


def _choices(enum_values, label=lambda v: str(v).capitalize() or "None") -> list[tuple[str, str]]:
    """A state field's choices, from its words in ``archiver.vocabulary`` (the labels as migrated)."""
    return [(str(v), label(v)) for v in enum_values]


_FIXITY_LABELS = {FixityStatus.UNCHECKED: "Not checked", FixityStatus.OK: "Intact", FixityStatus.DAMAGED: "Damaged"}


# The download options, one field per archiver.channel_options spec (README "Channel options").
ChannelOptions = option_fields.options_model(__name__)


class Channel(ChannelOptions):
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
    sync_interval_hours = models.FloatField(
        default=default_sync_interval_hours,
        validators=[MinValueValidator(MIN_SYNC_INTERVAL_HOURS), MaxValueValidator(MAX_SYNC_INTERVAL_HOURS)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_full_index_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When a full listing last completed; incremental syncs stop early only after one.",
    )
    notify_urls = models.TextField(blank=True, help_text="Apprise URLs told about this channel (besides the "
                                                         "global ones), one per line.")
    notified_at = models.DateTimeField(null=True, blank=True, editable=False,
                                       help_text="Until when its news has been sent (channels_app.notify).")
    feed_token = models.CharField(max_length=64, blank=True, editable=False,
                                  help_text="The secret in the podcast feed's address; rotating it ends the old one.")
    download_order = models.CharField(
        max_length=8, blank=True, choices=[("newest", "newest"), ("oldest", "oldest")],
        help_text="Which of its waiting videos download first: newest (empty: the default) or oldest.")
    own_disk_bytes = models.BigIntegerField(
        default=0, help_text="What the channel's own files (metadata.json, playlists/) take on disk, last measured.")

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title or self.id


class SyncJob(models.Model):
    """One sync of one channel: requested, run on the control queue under a lease, its outcome kept."""

    Status = JobStatus
    ACTIVE = ACTIVE_JOB

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="syncs")
    full = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=_choices(JobStatus), default=JobStatus.QUEUED)
    trigger = models.CharField(max_length=16, default="api")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(
        null=True, blank=True, help_text="When its message was last sent; resent if nobody claims it.")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Renewed while it runs; a stale one means its worker died.")
    attempts = models.PositiveIntegerField(default=0, help_text="How many times a worker started it.")
    videos_seen = models.PositiveIntegerField(default=0)
    videos_new = models.PositiveIntegerField(default=0)
    videos_queued = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(status__in=list(ACTIVE_JOB)),
                name="one_active_sync_per_channel",
            )
        ]

    def __str__(self):
        return f"sync {self.pk} of {self.channel_id} ({self.status})"


class Video(models.Model):
    """A video a sync listed, and what became of its download (the control side writes it)."""

    Status = VideoStatus
    FailureKind = FailureKind
    Fixity = FixityStatus

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="videos")
    video_id = models.CharField(max_length=64, help_text="Path-safe id: the video's folder name.")
    raw_id = models.CharField(max_length=500)
    url = models.CharField(max_length=2000)
    title = models.CharField(max_length=1000, blank=True)
    tab = models.CharField(max_length=32, blank=True)
    duration = models.FloatField(null=True, blank=True)
    upload_date = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=16, choices=_choices(STORED_VIDEO_STATUSES), default=VideoStatus.NEW)
    failure_kind = models.CharField(max_length=16, choices=_choices(FailureKind), blank=True, default="")
    last_error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Download attempts that ended (either way).")
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When a retrying video goes again.")
    video_file = models.CharField(max_length=64, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    subtitles = models.JSONField(default=list, blank=True)
    format_id = models.CharField(max_length=100, blank=True, help_text="The format yt-dlp chose.")
    height = models.PositiveIntegerField(null=True, blank=True, help_text="Height of the kept video, in pixels.")
    first_seen_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # The feeder's window (downloads_app.feeder): set when its download message was sent to Redis;
    # null while a queued video waits in the database.
    fed_at = models.DateTimeField(null=True, blank=True,
                                  help_text="When its download message was sent (null: waiting in the database).")
    archived_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the site says of it now (channels_app.history keeps every change in VideoChange).
    availability = models.CharField(max_length=20, default=Availability.PUBLIC,
                                    help_text="public, unlisted, private, removed (upstream), needs_auth, ...")
    removed_upstream_at = models.DateTimeField(null=True, blank=True,
                                               help_text="When a sync found it gone from the site; the copy stays.")
    description = models.TextField(blank=True)
    view_count = models.BigIntegerField(null=True, blank=True)
    like_count = models.BigIntegerField(null=True, blank=True)
    view_series = models.JSONField(
        default=list, blank=True,
        help_text="[[unix seconds, views], ...] oldest first, at most YTARCHIVE_VIEW_SERIES_POINTS points "
                  "(channels_app.view_series thins it): the counts' history, never a row per sync.")
    metadata_checked_at = models.DateTimeField(null=True, blank=True,
                                               help_text="When its own page was last read for its history.")
    # Fixity (archiver.fixity): the last check of its folder against checksums.sha256.
    fixity_status = models.CharField(max_length=16, blank=True, choices=_choices(FixityStatus, _FIXITY_LABELS.get))
    fixity_checked_at = models.DateTimeField(null=True, blank=True)
    fixity_problems = models.JSONField(default=list, blank=True,
                                       help_text="What the last check found: 'changed: video.mp4', ...")

    class Meta:
        ordering = ["-upload_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "video_id"], name="unique_video_per_channel")
        ]
        indexes = [
            models.Index(fields=["channel", "status"], name="downloads_a_channel_2d23fe_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="video_due_retry_idx"),
            # One per ORDER BY of a page (issue 21): a page reads its rows off an index, never sorts the catalog.
            models.Index(fields=["channel", "upload_date", "id"], name="video_channel_page_idx"),
            models.Index(fields=["channel", "status", "upload_date", "id"], name="video_channel_status_page_idx"),
            models.Index(fields=["upload_date", "id"], name="video_catalog_page_idx"),
            models.Index(fields=["status", "failure_kind", "updated_at"], name="video_dead_letters_idx"),
            # The feeder's next videos, newest first, without a sort (downloads_app.feeder).
            models.Index(fields=["status", "fed_at", "-upload_date", "id"], name="video_feed_order_idx"),
            # /metrics' ytarchive_fixity_failures: the damaged few, never a walk over every archived video.
            models.Index(fields=["status"], name="video_damaged_idx",
                         condition=models.Q(fixity_status=FixityStatus.DAMAGED)),
            # The stats page's videos archived per day (downloads_app.stats): a range of the index, not the catalog.
            models.Index(fields=["status", "archived_at"], name="video_archived_day_idx"),
            # The live grid's cards written since its cursor (front_app.pages.live_grid), one channel's range.
            models.Index(fields=["channel", "updated_at"], name="video_channel_changed_idx"),
        ]

    def __str__(self):
        return f"{self.channel_id}/{self.video_id}"

    @property
    def dead_letter(self) -> bool:
        return self.status == VideoStatus.FAILED and self.failure_kind == FailureKind.TRANSIENT

    @property
    def failure(self):
        """Why it failed, in plain words (``archiver.failure_reasons``): derived from the row, so never stale;
        None unless it failed or waits for another attempt."""
        if self.status not in (VideoStatus.FAILED, VideoStatus.RETRYING):
            return None
        from archiver import failure_reasons
        from archiver.ytdlp import params

        until = self.next_attempt_at if self.failure_kind == FailureKind.BLOCKED else None
        return failure_reasons.explain(self.failure_kind, self.last_error, self.status, until=until,
                                       ytdlp_version=params.VERSION, today=timezone.now().date())


class Tally(models.Model):
    """A named running total behind /metrics (channels_app.tallies): changed only with the fact it counts."""

    name = models.CharField(max_length=200, primary_key=True)
    value = models.FloatField(default=0)

    class Meta:
        verbose_name_plural = "tallies"

    def __str__(self):
        return f"{self.name} = {self.value:g}"


class StatusCount(models.Model):
    """How many videos of a channel are in one status (and failure kind), and what their files take.

    Kept by database triggers on the video table (channels_app/migrations/0015_page_costs.py), so every
    write that moves a video (an outcome, a requeue, a sync's insert, a delete, a bulk UPDATE) moves its
    count in the same transaction, whatever code path made it. Pages and progress read these few rows
    instead of counting the catalog. ``channel_id`` is plain (no foreign key): a deleted channel's rows
    drop to zero with its videos.
    """

    channel_id = models.CharField(max_length=64)
    status = models.CharField(max_length=16)
    failure_kind = models.CharField(max_length=16, blank=True, default="")
    videos = models.BigIntegerField(default=0)
    bytes = models.BigIntegerField(default=0, help_text="Sum of the videos' size_bytes.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel_id", "status", "failure_kind"],
                                               name="one_count_per_channel_status")]

    def __str__(self):
        return f"{self.channel_id} {self.status}/{self.failure_kind}: {self.videos}"


class VideoChange(models.Model):
    """One change upstream of one field of one video, seen by a sync: the history grows by changes only."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField()
    field = models.CharField(max_length=32, help_text="title, description, duration, view_count, like_count, "
                                                      "availability")
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["video", "at"]),
                   models.Index(fields=["at"], name="videochange_prune_idx")]

    def __str__(self):
        return f"{self.video_id} {self.field}: {self.old[:40]!r} -> {self.new[:40]!r}"


class ImportJob(models.Model):
    """One ``ytarchive import``: a yt-dlp folder adopted into a channel (channels_app.importer)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="imports")
    path = models.CharField(max_length=2000, help_text="The folder, under YTARCHIVE_IMPORT_ROOT.")
    download_archive = models.CharField(max_length=2000, blank=True)
    mode = models.CharField(max_length=8, default="link", choices=[(m, m) for m in ("link", "copy", "move")])
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=16, default=JobStatus.QUEUED, choices=_choices(JobStatus, str))
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"import {self.pk} into {self.channel_id} ({self.status})"


class Playlist(models.Model):
    """One playlist of a channel: from its playlists tab, or a playlist URL added to it (issue 26).

    Its file is ``playlists/{playlist_id}.json`` (archiver.playlist_file). A playlist gone from the
    channel's tab (or whose URL stopped answering for good) is kept, marked ``removed_upstream_at``."""

    TAB, ADDED = "tab", "added"
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="playlists")
    playlist_id = models.CharField(max_length=64, help_text="The site's id, path-safe: its file's name.")
    title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    url = models.CharField(max_length=2000, help_text="The URL it is listed from.")
    source = models.CharField(max_length=8, choices=[(TAB, "Playlists tab"), (ADDED, "Added by URL")], default=TAB)
    position = models.PositiveIntegerField(null=True, blank=True,
                                           help_text="Its place in the channel's playlists tab (from 1).")
    entry_count = models.PositiveIntegerField(default=0)
    truncated = models.BooleanField(default=False, help_text="Longer than YTARCHIVE_PLAYLIST_MAX_ENTRIES.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(null=True, blank=True, help_text="When its entries were last listed.")
    removed_upstream_at = models.DateTimeField(null=True, blank=True,
                                               help_text="When the site stopped listing it (kept, not deleted).")

    class Meta:
        ordering = ["channel", "position", "title", "id"]
        constraints = [models.UniqueConstraint(fields=["channel", "playlist_id"], name="unique_playlist_per_channel")]

    def __str__(self):
        return f"{self.channel_id}/{self.playlist_id}"


class PlaylistEntry(models.Model):
    """One video of a playlist, at its place (a video not, or not yet, in the archive is listed too)."""

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(help_text="From 1, in the playlist's own order.")
    video_id = models.CharField(max_length=64)
    title = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["playlist", "position"]
        constraints = [models.UniqueConstraint(fields=["playlist", "position"], name="unique_playlist_position")]

    def __str__(self):
        return f"{self.playlist}#{self.position}"
