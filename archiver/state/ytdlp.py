"""The Redis keys of yt-dlp updates (one key family of archiver.state):

* ``ytarchive:ytdlp:workers`` hash worker name -> JSON ``{"version", "until"}``: the yt-dlp
  each live download worker runs, written with its roll-call mark (archiver.state.worker_presence),
  so ``GET /api/ytdlp/`` and /metrics show local workers and Jobs alike; stale entries drop out.
* ``ytarchive:ytdlp:update`` hash: the last update or rollback asked for (id, status, versions,
  message, times), what the API, the CLI and the queue page show while it runs and after.
* ``ytarchive:ytdlp:running`` the update claim (``SET NX EX``): one update at a time, across every process.
* ``ytarchive:ytdlp:daily:{YYYY-MM-DD}`` the daily check's claim, so a day has one check and one log line.
"""
from __future__ import annotations

import json
import time

import redis

from archiver.state import worker_presence
from archiver.state.store import PREFIX

UPDATE_CLAIM_SECONDS = 1800  # longer than pip plus the checks can take; a dead control worker's claim expires


def _k(*parts: str) -> str:
    return ":".join((PREFIX, "ytdlp", *parts))


def publish_worker_version(r: redis.Redis, name: str, version: str, ttl_seconds: float) -> None:
    r.hset(_k("workers"), name, json.dumps({"version": version, "until": time.time() + ttl_seconds}))


def forget_worker(r: redis.Redis, name: str) -> None:
    r.hdel(_k("workers"), name)


def worker_versions(r: redis.Redis, now: float | None = None) -> dict[str, str]:
    """Live download workers' yt-dlp versions, name -> version; entries of workers that died unheard go.

    Only workers still on the roll (archiver.state.worker_presence) count: a worker leaves the roll a
    moment before its version entry goes, and /metrics must never show a version run by no live worker."""
    now = time.time() if now is None else now
    present = worker_presence.live_worker_names(r, now)
    live, stale = {}, []
    for name, raw in r.hgetall(_k("workers")).items():
        try:
            entry = json.loads(raw)
            if float(entry["until"]) > now:
                if name in present:  # else leaving (or just arriving): not counted, not dropped
                    live[name] = str(entry["version"])
                continue
        except (ValueError, KeyError, TypeError):
            pass
        stale.append(name)
    if stale:
        r.hdel(_k("workers"), *stale)
    return dict(sorted(live.items()))


def claim_update(r: redis.Redis, job_id: str, fields: dict) -> bool:
    """Start an update record unless one runs (True: claimed, and the record reset to ``fields``)."""
    if not r.set(_k("running"), job_id, nx=True, ex=UPDATE_CLAIM_SECONDS):
        return False
    pipe = r.pipeline()
    pipe.delete(_k("update"))
    pipe.hset(_k("update"), mapping={"id": job_id, **{k: str(v) for k, v in fields.items()}})
    pipe.execute()
    return True


def running_update(r: redis.Redis) -> str | None:
    return r.get(_k("running"))


def note_update(r: redis.Redis, job_id: str, **fields) -> None:
    """Record progress of update ``job_id`` (ignored when another record has replaced it)."""
    if r.hget(_k("update"), "id") == job_id:
        r.hset(_k("update"), mapping={k: str(v) for k, v in fields.items()})


def release_update(r: redis.Redis, job_id: str) -> None:
    if r.get(_k("running")) == job_id:
        r.delete(_k("running"))


def last_update(r: redis.Redis) -> dict | None:
    return r.hgetall(_k("update")) or None


def claim_daily_check(r: redis.Redis, day: str) -> bool:
    """True once per ``day`` (UTC date), for the first process that asks."""
    return bool(r.set(_k("daily", day), "1", nx=True, ex=3 * 86400))
