"""The control side's lanes: which Celery queue each task goes to, and the worker that serves each queue.

One worker with two slots used to run everything the control side does, so an hour-long fixity round
or a 20,000-video queueing held a slot while outcomes and syncs waited behind it. Now each kind of work
has its own queue and its own worker process (``make run``: config.launch; the chart: one Deployment
per lane), each with its own concurrency, so a long task only ever delays work of its own kind:

* ``syncs``: channel syncs and the queueing that follows them.
* ``outcomes``: short bookkeeping that must never wait: recording download outcomes, the reconcilers
  that apply the outbox, take back dead leases and dead syncs, and requeue due retries. Its worker also
  serves the old ``control`` queue, so messages sent before the lanes existed are still done.
* ``maintenance``: fixity rounds, imports, backups, NFO backfills, notifications, housekeeping and
  yt-dlp changes. Long work here runs in bounded slices under a lease (channels_app.slices).
* ``scaling``: matching the download workers to the queue (one slot: two scalers at once would race).

Downloads stay on ``downloads``, served by the download workers the scaler starts.
Every task the app declares is named here (tests/unit/test_lanes.py checks it): a new task gets a lane
on purpose, not by default.
"""
from __future__ import annotations

import dataclasses

from archiver import task_names

DOWNLOADS = "downloads"
SYNCS = "syncs"
OUTCOMES = "outcomes"
MAINTENANCE = "maintenance"
SCALING = "scaling"
LEGACY_CONTROL = "control"  # the single queue of earlier versions: the outcomes worker drains it


@dataclasses.dataclass(frozen=True)
class Lane:
    """One control lane: its queue(s), its worker's pool and default concurrency, the variable that sets it."""

    name: str
    queues: tuple[str, ...]
    concurrency: int
    pool: str  # prefork: work that may hold the GIL (hashing, yt-dlp listings); threads: short database
    # bookkeeping that mostly waits on the database (one process for every slot, ~100 MiB less per slot)
    env: str

    @property
    def queue(self) -> str:
        return self.queues[0]


LANES = {
    SYNCS: Lane(SYNCS, (SYNCS,), 2, "prefork", "YTARCHIVE_SYNCS_CONCURRENCY"),
    OUTCOMES: Lane(OUTCOMES, (OUTCOMES, LEGACY_CONTROL), 2, "threads", "YTARCHIVE_OUTCOMES_CONCURRENCY"),
    MAINTENANCE: Lane(MAINTENANCE, (MAINTENANCE,), 1, "solo", "YTARCHIVE_MAINTENANCE_CONCURRENCY"),
    SCALING: Lane(SCALING, (SCALING,), 1, "solo", "YTARCHIVE_SCALING_CONCURRENCY"),
}

TASK_LANES = {
    task_names.DOWNLOAD_VIDEO: DOWNLOADS,
    task_names.SYNC_CHANNEL: SYNCS,
    task_names.SCHEDULED_SYNC: SYNCS,
    task_names.QUEUE_DOWNLOADS: SYNCS,
    task_names.REFRESH_PLAYLISTS: SYNCS,
    task_names.RECORD_DOWNLOAD_OUTCOME: OUTCOMES,
    task_names.RECONCILE_LEASES: OUTCOMES,
    task_names.RECONCILE_SYNCS: OUTCOMES,
    task_names.REWRITE_UPLOADS_PLAYLIST: OUTCOMES,
    task_names.FIXITY_ROUND: MAINTENANCE,
    task_names.VERIFY_CHANNEL: MAINTENANCE,
    task_names.RUN_IMPORT: MAINTENANCE,
    task_names.BACKUP_DATABASE: MAINTENANCE,
    task_names.WRITE_NFO_FILES: MAINTENANCE,
    task_names.BUILD_LIBRARY_VIEW: MAINTENANCE,
    task_names.NOTIFY_ROUND: MAINTENANCE,
    task_names.SEND_NOTIFICATION: MAINTENANCE,
    task_names.HOUSEKEEPING: MAINTENANCE,
    task_names.PRUNE_HISTORY: MAINTENANCE,
    task_names.CHANGE_YTDLP: MAINTENANCE,
    task_names.YTDLP_DAILY_CHECK: MAINTENANCE,
    task_names.TAKE_STATS_SAMPLE: MAINTENANCE,
    task_names.REINDEX_SEARCH: MAINTENANCE,
    task_names.RECONCILE_WORKERS: SCALING,
    task_names.FEED_DOWNLOADS: SCALING,
}


def lane_of(task_name: str) -> str:
    """The queue a task goes to (a task nobody named goes to maintenance, where slowness hurts least)."""
    return TASK_LANES.get(task_name, MAINTENANCE)


def task_routes() -> dict[str, dict[str, str]]:
    """CELERY_TASK_ROUTES: every named task to its lane's queue, anything else to maintenance."""
    return {**{task: {"queue": lane} for task, lane in TASK_LANES.items()}, "*": {"queue": MAINTENANCE}}
