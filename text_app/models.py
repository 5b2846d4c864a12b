"""Every word said in and under a video, in the catalog: its subtitles as timed cues (manual, and the site's
automatic captions), and its comments with their threads. Files in the video's folder stay the archive's
record (``subtitles/{lang}.vtt``, ``subtitles/{lang}.auto.vtt``, ``comments.json``); these rows are what the
web app pages through and what the search index is built from."""
from django.db import models

from channels_app.models import Video


class Cue(models.Model):
    """One timed line of one subtitle track of one video (rolling-caption repeats already merged)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="cues")
    lang = models.CharField(max_length=35, help_text="The track's language code, as in its file name.")
    automatic = models.BooleanField(default=False, help_text="The site's automatic captions, not a person's.")
    start = models.FloatField(help_text="Seconds from the start of the video.")
    end = models.FloatField()
    text = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["video", "lang", "start"], name="cue_video_lang_start_idx")]

    def __str__(self):
        return f"{self.video_id} {self.lang}{' auto' if self.automatic else ''} {self.start:.1f}s {self.text[:40]}"


class Comment(models.Model):
    """One comment or reply under a video. Kept when it disappears upstream: ``removed_upstream_at`` marks it."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="comments")
    comment_id = models.CharField(max_length=200, help_text="The site's id of the comment.")
    parent_id = models.CharField(max_length=200, blank=True, default="",
                                 help_text="The comment_id this replies to; empty for a top-level comment.")
    author = models.CharField(max_length=300, blank=True)
    author_id = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    like_count = models.IntegerField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    pinned = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    removed_upstream_at = models.DateTimeField(null=True, blank=True,
                                               help_text="When a later read no longer found it upstream.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "comment_id"], name="one_comment_per_video_id")]
        indexes = [models.Index(fields=["video", "parent_id", "published_at"], name="comment_thread_idx")]

    def __str__(self):
        return f"{self.video_id} {self.comment_id} by {self.author}"
