"""Keeping yt-dlp fresh: what the API, the CLI, the queue page and /metrics show, and the updates they ask for.

An update (or a rollback) is asked for here and done by the ``change_ytdlp``
task on the control side, never in a web request: pip and the checks take a
minute. One runs at a time (a Redis claim); its record in Redis
(archiver.state.ytdlp) says how it went. The daily check (beat, once a day,
YTARCHIVE_YTDLP_UPDATE) installs the newest version of its channel when it is
newer than the one selected; a machine that cannot reach the package index
logs one line that day and keeps the version it has.
"""
from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from celery import current_app
from django.conf import settings

from archiver import task_names
from archiver.errors import ConflictError, UserError
from archiver.state import ytdlp as ytdlp_state
from archiver.vocabulary import ACTIVE_JOB, JobStatus
from archiver.ytdlp import versions as ytdlp_versions
from archiver.ytdlp.versions import UpdateError
from downloads_app.queueing import redis

log = logging.getLogger(__name__)


def shared_root():
    return settings.YTARCHIVE["YTDLP_DIR"]


def _described(version: str | None, source: str) -> dict:
    released = ytdlp_versions.release_date(version or "")
    return {"version": version or "unknown", "release_date": released.isoformat() if released else None,
            "age_days": ytdlp_versions.age_days(version or ""), "source": source}


def selected() -> dict:
    """The yt-dlp processes starting now use: the shared folder's current one, else the bundled one."""
    shared = ytdlp_versions.selected_version(shared_root())
    if shared:
        return _described(shared, "shared")
    return _described(ytdlp_versions.bundled_version(shared_root()), "bundled")


def status() -> dict:
    """``GET /api/ytdlp/``: this (control side) process, what new processes get, each live worker, the last update."""
    here = ytdlp_versions.in_use(shared_root())
    r = redis()
    workers = [{"name": name, **_described(version, "")} for name, version in ytdlp_state.worker_versions(r).items()]
    for worker in workers:
        worker.pop("source")
    update = ytdlp_state.last_update(r)
    if update and update.get("status") in ACTIVE_JOB and ytdlp_state.running_update(r) != update["id"]:
        update = {**update, "status": JobStatus.FAILED, "message": "the control worker stopped during the update"}
    return {"control": here.as_dict() if here else _described(None, "bundled"), "selected": selected(),
            "workers": workers, "history": ytdlp_versions.history(shared_root()),
            "update_channel": settings.YTARCHIVE["YTDLP_UPDATE"], "update": update}


def _claim(action: str, version: str, who: str) -> tuple[str, dict]:
    """Check what is asked and claim the one update slot; ``(job id, record)``, or UserError/ConflictError."""
    version = (version or "").strip()
    if action not in ("update", "rollback"):
        raise UserError("action must be update or rollback")
    if version and not ytdlp_versions.is_version(version):
        raise UserError(f"version {version[:40]!r} is not a yt-dlp version (they look like 2026.10.26)")
    if action == "rollback" and ytdlp_versions.selected_version(shared_root()) is None:
        raise UserError("nothing to roll back: the yt-dlp bundled with ytarchive is in use")
    job_id = uuid.uuid4().hex[:12]
    record = {"action": action, "requested": version or ("newest stable" if action == "update" else "previous"),
              "status": JobStatus.QUEUED, "asked_by": who, "asked_at": _now(), "message": ""}
    r = redis()
    if not ytdlp_state.claim_update(r, job_id, record):
        raise ConflictError("a yt-dlp update is already running; wait for it to finish",
                            update=ytdlp_state.last_update(r))
    return job_id, record


def request_change(action: str, version: str = "", who: str = "") -> dict:
    """Queue an update (``version`` or the newest stable) or a rollback on the control side; its record."""
    job_id, record = _claim(action, version, who)
    current_app.send_task(task_names.CHANGE_YTDLP, args=[job_id, action, (version or "").strip()],
                          retry=True)
    return {"id": job_id, **record}


def change_now(action: str, version: str = "", who: str = "") -> dict:
    """The same change, run here and now (``manage.py ytdlp_update``, the chart's pinning Job)."""
    job_id, _record = _claim(action, version, who)
    return run_change(job_id, action, (version or "").strip())


def run_change(job_id: str, action: str, version: str = "", channel: str = "stable") -> dict:
    """The task's work: install, check and switch (or roll back), recording each step under ``job_id``."""
    r = redis()
    root = shared_root()
    before = ytdlp_versions.selected_version(root) or ytdlp_versions.bundled_version(root)
    ytdlp_state.note_update(r, job_id, status=JobStatus.RUNNING, previous=before or "", started_at=_now())
    try:
        if action == "rollback":
            after = ytdlp_versions.rollback(root) or ytdlp_versions.bundled_version(root) or "bundled"
            message = f"rolled back from {before} to {after}"
        else:
            after, message = _update(root, version, channel, before)
        ytdlp_state.note_update(r, job_id, status=JobStatus.SUCCEEDED, version=after, message=message,
                                finished_at=_now())
        log.info("yt-dlp %s: %s", action, message)
        return {"status": JobStatus.SUCCEEDED, "version": after, "message": message}
    except UpdateError as exc:
        ytdlp_state.note_update(r, job_id, status=JobStatus.FAILED, message=str(exc), finished_at=_now())
        log.warning("yt-dlp %s refused: %s (still %s)", action, exc, before)
        return {"status": JobStatus.FAILED, "message": str(exc)}
    finally:
        ytdlp_state.release_update(r, job_id)


def _update(root, version: str, channel: str, before: str | None) -> tuple[str, str]:
    got, folder = ytdlp_versions.install(root, version, channel)
    if got == ytdlp_versions.selected_version(root):
        return got, f"yt-dlp {got} is already in use"
    try:
        ytdlp_versions.check(folder, got, settings.YTARCHIVE["YTDLP_CANARY_URL"])
    except UpdateError:
        ytdlp_versions.discard(root, got)  # never switched to: a later update must install it afresh
        raise
    ytdlp_versions.switch(root, got)
    return got, (f"switched from {before} to {got}; download workers started from now on use it "
                 "(restart the web, control and beat processes to use it there too)")


def daily_check() -> str:
    """Once a day (beat): install the newest version of YTARCHIVE_YTDLP_UPDATE's channel when it is newer."""
    channel = settings.YTARCHIVE["YTDLP_UPDATE"]
    if channel == "off":
        return "off"
    r = redis()
    if not ytdlp_state.claim_daily_check(r, datetime.now(UTC).date().isoformat()):
        return "already checked today"
    root = shared_root()
    have = ytdlp_versions.selected_version(root) or ytdlp_versions.bundled_version(root) or ""
    try:
        newest = ytdlp_versions.newest(channel)
    except UpdateError as exc:
        log.warning("yt-dlp daily check: the package index cannot be reached or has no yt-dlp (%s); "
                    "keeping yt-dlp %s, next check tomorrow", str(exc)[:300], have)
        return "offline"
    if have and ytdlp_versions.version_key(newest) <= ytdlp_versions.version_key(have):
        log.info("yt-dlp daily check: %s is the newest %s version", have, channel)
        return "up to date"
    job_id = uuid.uuid4().hex[:12]
    if not ytdlp_state.claim_update(r, job_id, {"action": "update", "requested": f"newest {channel}",
                                                 "status": JobStatus.QUEUED, "asked_by": "daily check",
                                                 "asked_at": _now()}):
        return "an update is running"
    return run_change(job_id, "update", newest, channel)["status"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
