"""One vocabulary for a video's life and its outcomes: every word the archiver stores or sends about where a
video, a job or a check stands.

Each set of words is one enum here, and nowhere else: the database (model ``choices=``, defaults), the API
(its serializers follow the models), the web pages (templates compare ``video.status`` with
``video.Status.ARCHIVED``), the ``ytarchive`` CLI, Redis, the worker<->control messages
and /metrics (label values) use these members, never a copy of their strings. A member *is* its stored string
(``StrEnum``): it serializes unchanged in JSON, Redis and the task messages, so rows and messages written
before stay valid. Add members; never rename a value. ``tests/unit/test_vocabulary.py`` fails if a side
vocabulary appears beside these.

Standard library only: the CLI imports this module and must stay free of Django (and so must the core).

The seed spoke of worker states (pending, running, completed, failed, timeout, retry); the archiver keeps one
set of names everywhere instead, and this is the mapping (``SEED_STATES``). The database stores every status
but ``downloading``: only a worker knows that a download runs, and workers never write to the database, so it
lives in Redis (the live state) alone.
"""
from __future__ import annotations

from enum import StrEnum, nonmember


class _Words(StrEnum):
    """The base of every vocabulary here: a StrEnum that Django's templates read as a namespace.

    A template calls what is callable, and an enum class is (``VideoStatus("archived")``); this flag (the one
    Django's own ``Choices`` sets) makes ``{{ video.Status.ARCHIVED }}`` the member instead. No Django import.
    """

    do_not_call_in_templates = nonmember(True)


class VideoStatus(_Words):
    """Where a video stands (``Video.status``, the live state in Redis, the API's progress counts)."""

    NEW = "new"  # listed by a sync, no download asked for yet
    QUEUED = "queued"  # a download message waits in the queue (or a worker just took it)
    DOWNLOADING = "downloading"  # a worker holds the video's lease (live state only)
    RETRYING = "retrying"  # failed transiently; the control side requeues it at next_attempt_at
    ARCHIVED = "archived"  # its folder is in the archive, complete
    FAILED = "failed"  # permanent failure, or transient with no retries left (the dead-letter list)
    SKIPPED = "skipped"  # left out by the channel's options once its date was known (published too early)


class FailureKind(_Words):
    """The class of a failure (``archiver.failure_reasons`` reads it off yt-dlp's text): whether to retry."""

    NONE = ""
    PERMANENT = "permanent"  # private, removed, members-only, copyright, refused address: never retried
    TRANSIENT = "transient"  # network, 5xx, disk full: retried with backoff, then dead-lettered
    BLOCKED = "blocked"  # the site asked for a bot check or answered 429: the whole site pauses, not counted


class FailureReason(_Words):
    """Why a download failed, as a stable code (API, CLI, notifications): add new ones, never rename one."""

    BOT_CHECK = "bot_check"
    RATE_LIMITED = "rate_limited"
    MEMBERS_ONLY = "members_only"
    PRIVATE = "private"
    REMOVED = "removed"
    GEO_BLOCKED = "geo_blocked"
    AGE_RESTRICTED = "age_restricted"
    FORMAT_UNAVAILABLE = "format_unavailable"
    EXTRACTOR_BROKEN = "extractor_broken"
    FORBIDDEN = "forbidden"
    ADDRESS_REFUSED = "address_refused"
    DISK_FULL = "disk_full"
    NETWORK = "network"
    UNKNOWN = "unknown"


class WorkerResult(_Words):
    """How one run of ``archiver.download.archive_video`` ended, as the worker sees it."""

    ARCHIVED = VideoStatus.ARCHIVED.value
    FAILED = VideoStatus.FAILED.value
    BUSY = "busy"  # another worker holds the video's lease: this duplicate does nothing
    INTERRUPTED = "interrupted"  # the worker is stopping: hand the video back unfinished
    CANCELLED = "cancelled"  # its channel was deleted meanwhile
    SKIPPED = VideoStatus.SKIPPED.value  # the channel's options leave it out (published before its cutoff)


class WorkerAction(_Words):
    """What the download task does with a result (``archiver.download.action_for``)."""

    REPORT = "report"  # send a DownloadReport to the control side
    HAND_BACK = "hand_back"  # reject the message back to the queue
    DROP = "drop"  # acknowledge and forget


class OutcomeStatus(_Words):
    """What a worker reports to the control side (``DownloadReport.status``). Only these ever leave a worker."""

    ARCHIVED = VideoStatus.ARCHIVED.value
    FAILED = VideoStatus.FAILED.value
    SKIPPED = VideoStatus.SKIPPED.value


class CountedOutcome(_Words):
    """How an applied outcome is counted: the ``status`` label of /metrics' download series."""

    ARCHIVED = VideoStatus.ARCHIVED.value
    RETRYING = VideoStatus.RETRYING.value  # transient, tried again later
    FAILED = VideoStatus.FAILED.value  # permanent, or out of retries
    SKIPPED = VideoStatus.SKIPPED.value  # published before the channel's cutoff
    PAUSED = "paused"  # the attempt met a paused site (bot check, 429): not counted against the video


class JobStatus(_Words):
    """Where a job of the control side stands: a sync, an import, a yt-dlp update."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class FixityStatus(_Words):
    """The last check of an archived video's folder against its checksums.sha256 (``Video.fixity_status``)."""

    UNCHECKED = ""
    OK = "ok"  # every file matches
    DAMAGED = "damaged"  # a file missing, changed or unexpected


class FlightState(_Words):
    """A download holding its lock, as the pages show it (channels_app.progress): its worker alive (a fresh
    heartbeat, archiver.state.download_progress) or gone, the video waiting for its lease to run out."""

    DOWNLOADING = "downloading"
    INTERRUPTED = "interrupted"


class Availability(_Words):
    """What the site says of a video now (``Video.availability``): yt-dlp's words, and ``removed`` (ours).

    An open set: a word yt-dlp adds later is stored as it comes (the field has no choices).
    """

    PUBLIC = "public"
    UNLISTED = "unlisted"
    PRIVATE = "private"
    NEEDS_AUTH = "needs_auth"
    SUBSCRIBER_ONLY = "subscriber_only"
    PREMIUM_ONLY = "premium_only"
    REMOVED = "removed"  # gone from the site (a full listing no longer has it, or its page says so); the copy stays


ACTIVE_JOB = (JobStatus.QUEUED, JobStatus.RUNNING)
# Statuses the database can hold (``downloading`` is live state only).
STORED_VIDEO_STATUSES = tuple(s for s in VideoStatus if s is not VideoStatus.DOWNLOADING)
# Counted in a channel's progress, in display order.
PROGRESS_STATUSES = tuple(VideoStatus)
# A channel is settled when none of its videos is busy; its progress bar counts the done ones (CLI, web page).
BUSY_STATUSES = (VideoStatus.NEW, VideoStatus.QUEUED, VideoStatus.DOWNLOADING, VideoStatus.RETRYING)
DONE_STATUSES = (VideoStatus.ARCHIVED, VideoStatus.FAILED, VideoStatus.SKIPPED)

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
