"""One vocabulary for a video's life and a sync's, shared by the database, Redis, messages and the API.

The seed spoke of worker states (pending, running, completed, failed, timeout,
retry); the archiver keeps one set of names everywhere instead, and this is the
mapping (``SEED_STATES``). The database stores every status but
``downloading``: only a worker knows that a download runs, and workers never
write to the database, so it lives in Redis (the live state) alone.
"""
from __future__ import annotations

from enum import StrEnum


class VideoStatus(StrEnum):
    NEW = "new"  # listed by a sync, no download asked for yet
    QUEUED = "queued"  # a download message waits in the queue (or a worker just took it)
    DOWNLOADING = "downloading"  # a worker holds the video's lease (live state only)
    RETRYING = "retrying"  # failed transiently; the control side requeues it at next_attempt_at
    ARCHIVED = "archived"  # its folder is in the archive, complete
    FAILED = "failed"  # permanent failure, or transient with no retries left (the dead-letter list)
    SKIPPED = "skipped"  # left out by the channel's options once its date was known (published too early)


class FailureKind(StrEnum):
    NONE = ""
    PERMANENT = "permanent"  # private, removed, members-only, copyright, refused address: never retried
    TRANSIENT = "transient"  # network, 5xx, disk full: retried with backoff, then dead-lettered
    BLOCKED = "blocked"  # the site asked for a bot check or answered 429: the whole site pauses, not counted


class OutcomeStatus(StrEnum):
    """What a worker reports to the control side. Only these ever leave a worker."""

    ARCHIVED = "archived"
    FAILED = "failed"
    SKIPPED = "skipped"


class SyncStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ACTIVE_SYNC = (SyncStatus.QUEUED, SyncStatus.RUNNING)
# Statuses the database can hold (``downloading`` is live state only).
STORED_VIDEO_STATUSES = tuple(s for s in VideoStatus if s is not VideoStatus.DOWNLOADING)
# Counted in a channel's progress, in display order.
PROGRESS_STATUSES = tuple(VideoStatus)

SEED_STATES = {
    "pending": (VideoStatus.NEW, VideoStatus.QUEUED),
    "running": (VideoStatus.DOWNLOADING,),
    "completed": (VideoStatus.ARCHIVED, VideoStatus.SKIPPED),  # nothing left to do
    "failed": (VideoStatus.FAILED,),
    "timeout": (VideoStatus.RETRYING,),  # a timeout is a transient failure
    "retry": (VideoStatus.RETRYING,),
}

# The reason of the ``Reject`` a download worker that is stopping hands a download back with
# (downloads_app.tasks); config.celery_logging logs that one as a plain INFO line.
HAND_BACK_REASON = "worker stopping: download handed back"
