"""One download, start to finish, as a download worker runs it. No database here.

Claim the video (a Redis lock with a lease the worker renews while it works),
let yt-dlp write into the video's download folder beside the final one
(``tree.claim_download_dir``: the partial files an earlier, stopped or killed
attempt left there are resumed), rename the finished folder into place in one
step, and say what happened. A video whose final folder exists is archived
already: nothing is touched.

Every Redis call here sits inside the ``try`` whose ``finally`` gives back what
the download took (its lease keeper, lock and slots, each released on its own):
a Redis error hands the video back, it never escapes with a lock held.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from redis.exceptions import RedisError

from archiver import archived_folder, cookies, egress, fixity, frames, log_context, nfo, tree, upstream_text
from archiver.budgets import looks_throttled
from archiver.ids import require_safe_id
from archiver.messages import DownloadReport, DownloadRequest
from archiver.state import deleted_channels, download_locks, download_progress, site_slots, video_states
from archiver.state import egress as egress_state
from archiver.vocabulary import FailureKind, OutcomeStatus, VideoStatus, WorkerAction, WorkerResult
from archiver.ytdlp import downloading, failures, params

log = logging.getLogger(__name__)


class Interrupted(Exception):
    """The worker is stopping (or lost its lease): hand the video back, unfinished."""


@dataclass(frozen=True)
class Outcome:
    status: WorkerResult
    kind: FailureKind = FailureKind.NONE
    reason: str = ""
    already: bool = False
    video_file: str = ""
    title: str = ""
    size_bytes: int = 0
    subtitles: tuple[str, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    disk_bytes: int = 0
    format_id: str = ""
    height: int = 0
    upload_date: str = ""
    duration: float = 0.0
    resumed_bytes: int = 0  # what the download folder held already when this attempt began
    done_fraction: float = 0.0  # of the media, when handed back (the next attempt's expected time)
    description: str = ""

    def report(self, request: DownloadRequest) -> DownloadReport:
        if self.status not in _REPORTED:
            raise ValueError(f"a {self.status} download is not reported")
        return DownloadReport(
            video_pk=request.video_pk, channel_id=request.channel_id, video_id=request.video_id,
            attempt=request.attempt, status=OutcomeStatus(self.status), kind=self.kind,
            reason=self.reason, video_file=self.video_file, title=self.title,
            size_bytes=self.size_bytes, subtitles=tuple(self.subtitles), seconds=round(self.seconds, 3),
            disk_bytes=self.disk_bytes, format_id=self.format_id, height=self.height,
            upload_date=self.upload_date, duration=self.duration, description=self.description,
        )


_REPORTED = (WorkerResult.ARCHIVED, WorkerResult.FAILED, WorkerResult.SKIPPED)


def action_for(outcome: Outcome) -> WorkerAction:
    """The download task's whole decision: report what ended, hand back what stopped, drop the rest."""
    if outcome.status in _REPORTED:
        return WorkerAction.REPORT
    if outcome.status is WorkerResult.INTERRUPTED:
        return WorkerAction.HAND_BACK
    return WorkerAction.DROP


def bounded_out(outcome: Outcome, handed_back: int) -> Outcome:
    """The ``outcome`` of the hand-back that reached the bound (YTARCHIVE_MAX_HANDBACKS, counted by
    archiver.state.handbacks), as a transient failure that says so."""
    reason = (f"handed back {handed_back} times without finishing (its worker stopped each time: a Job's "
              f"deadline, a shutdown or Redis; last reason: {outcome.reason or 'worker stopping'}); its "
              f"partial files are kept and the retry resumes them")
    return dataclasses.replace(outcome, status=WorkerResult.FAILED, kind=FailureKind.TRANSIENT, reason=reason)


class _LeaseKeeper(threading.Thread):
    """Renews the video's lock (and its slots, once held) every third of the lease while it runs, and beats
    (download_progress.beat) every BEAT_SECONDS so the pages tell it from a download whose worker died."""

    def __init__(self, r, channel_id: str, video_id: str, token: str, lease_seconds: float, worker: str = ""):
        super().__init__(daemon=True, name=f"lease-{video_id}")
        self.args = (r, channel_id, video_id, token, lease_seconds)
        self.worker = worker
        self.stopped = threading.Event()
        self.lost = False
        self.slots: list[str] = []  # the slots held (its site's, its channel's)
        self.log_ids = log_context.current()  # a new thread starts without the download's ids

    def run(self):
        with log_context.bound(**self.log_ids):
            self._renew()

    def _beat(self) -> None:
        """The pages' sign of life (archiver.state.download_progress): best effort, never stops the download."""
        r, channel_id, video_id, _token, lease_seconds = self.args
        try:
            download_progress.beat(r, channel_id, video_id, ttl_seconds=max(120.0, 2 * lease_seconds),
                                   worker=self.worker)
        except Exception as exc:
            log.debug("heartbeat not written channel=%s video=%s: %s", channel_id, video_id, exc)

    def _renew(self):
        r, channel_id, video_id, token, lease_seconds = self.args
        renewed = due = time.monotonic()
        tick = min(download_progress.BEAT_SECONDS, lease_seconds / 3)
        self._beat()
        while not self.stopped.wait(tick):
            self._beat()
            if time.monotonic() < due + lease_seconds / 3 - tick / 2:
                continue  # a heartbeat only: the lease is renewed every third of its length
            due = time.monotonic()
            try:
                if not download_locks.renew_lock(r, channel_id, video_id, token, lease_seconds):
                    self.lost = True
                    log.warning("lease lost channel=%s video=%s", channel_id, video_id)
                    return
                renewed = time.monotonic()
                for slot in list(self.slots):
                    site_slots.renew_site_slot(r, slot, token, lease_seconds)
            except Exception as exc:  # Redis restarting: keep trying until the lease runs out
                log.info("lease renewal failed channel=%s video=%s: %s", channel_id, video_id, exc)
                if time.monotonic() - renewed >= lease_seconds * LEASE_FENCE:
                    # The lock may expire before another renewal lands: stop writing first, so the
                    # next holder of the lease is the only writer of the download folder.
                    self.lost = True
                    log.warning("lease not renewed for %.1fs: stopping channel=%s video=%s",
                                time.monotonic() - renewed, channel_id, video_id)
                    return


SLOT_POLL_SECONDS = 0.25
_DISK_TROUBLE = re.compile(r"No space left|Errno 28|Disk quota|Errno 122|Read-only file system|Errno 30")
# A resume the site refuses (416: the kept part is already whole, or longer than the file now is): yt-dlp
# retries the same range each attempt, so the part goes and the retry starts over.
_RANGE_REFUSED = re.compile(r"HTTP Error 416|Requested Range Not Satisfiable", re.I)
LEASE_FENCE = 0.8  # of the lease without a renewal, and the download stops (it may expire soon after)
RELEASE_TRIES = (0.0, 0.2, 1.0)  # pauses before each try of a release: a blip does not keep a lock


def site_of(url: str) -> str:
    """The host a download's requests go to (budgets and pauses go by its rule's site: archiver.budgets)."""
    return (urlsplit(url).hostname or "unknown").lower()


def channel_slots(channel_id: str) -> str:
    """The slot name that counts one channel's downloads at once (beside its site's)."""
    return f"channel:{channel_id}"


def _wait_for_slot(r, keeper: _LeaseKeeper, name: str, token: str, limit: int, lease_seconds: float,
                   should_stop: Callable[[], bool]) -> None:
    """Block until one of ``name``'s ``limit`` slots is ours; Interrupted if told to stop meanwhile."""
    while not site_slots.take_site_slot(r, name, token, limit, lease_seconds):
        if should_stop() or keeper.lost:
            raise Interrupted()
        time.sleep(SLOT_POLL_SECONDS)
    keeper.slots.append(name)


def _unavailable_reason(site: str, gone: egress.Unavailable) -> str:
    until = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(gone.until))
    if gone.paused:
        return (f"site {site} paused until {until} for every egress identity ({len(gone.paused)}) after a "
                f"refusal: {gone.reason[:300]}")
    return f"site {site}: waiting for budget until {until}: {gone.reason[:300]}"


def archive_video(request: DownloadRequest, root: Path, r, lease_seconds: float,
                  should_stop: Callable[[], bool] = lambda: False, site_limit: int = 0,
                  pause_seconds: float = 1800.0, pool: egress.Pool | None = None, worker: str = "") -> Outcome:
    """Archive one video through an egress identity of ``pool`` with budget left for its site.

    ``site_limit`` > 0 caps downloads at once per identity and site, across all workers
    (``pool.leases_per_identity`` when a pool is given). ``worker``: this worker's name on the roll
    (archiver.state.worker_presence), written with the download's heartbeat.
    """
    pool = pool or egress.Pool(leases_per_identity=site_limit, pause_seconds=pause_seconds)
    channel_id = require_safe_id(request.channel_id)
    video_id = require_safe_id(request.video_id)
    context = request.context + " "
    final_dir = tree.video_dir(root, channel_id, video_id)
    token = uuid.uuid4().hex
    started = time.monotonic()
    keeper = _LeaseKeeper(r, channel_id, video_id, token, lease_seconds, worker)
    site = pool.site(request.url)
    run = _Run(request, root, r, lease_seconds, lambda: should_stop() or keeper.lost, pool, site, token, keeper,
               context)
    claimed = False
    try:
        if deleted_channels.is_channel_deleted(r, channel_id):
            log.info("%schannel deleted: task dropped", context)
            return Outcome(WorkerResult.CANCELLED)
        if final_dir.is_dir():
            log.info("%salready archived, nothing to do", context)
            return Outcome(WorkerResult.ARCHIVED, already=True, **archived_folder.facts(final_dir))
        claimed = True  # from here on the lock may be ours (its SET may land though its reply is lost)
        if not download_locks.acquire_lock(r, channel_id, video_id, token, lease_seconds):
            claimed = False  # its folder, slots and live progress are the holder's
            log.info("%sanother worker holds it", context)
            return Outcome(WorkerResult.BUSY)
        keeper.start()
        if request.options.profile.max_concurrent > 0:  # the channel's own cap first, so it never holds a lease idle
            _wait_for_slot(r, keeper, channel_slots(channel_id), token, request.options.profile.max_concurrent,
                           lease_seconds, should_stop)
        result = run.download()
        if isinstance(result, egress.Unavailable):
            reason = _unavailable_reason(site, result)
            log.info("%s%s: not asked", context, reason[:200])
            return Outcome(WorkerResult.FAILED, kind=FailureKind.BLOCKED, reason=reason,
                           seconds=time.monotonic() - started)
        if not tree.publish_video_dir(run.temp_dir, final_dir):
            log.info("%sfinished by another worker first; kept theirs", context)
        run.temp_dir = None
        run.drop_partial()
        seconds = time.monotonic() - started
        log.info("%sarchived in %.1fs (%s bytes, %s resumed) through %s", context, seconds, result.size_bytes,
                 run.resumed_bytes, run.identity_name)
        return Outcome(WorkerResult.ARCHIVED, video_file=result.video_file, title=result.title,
                       size_bytes=result.size_bytes, subtitles=tuple(result.subtitles), seconds=seconds,
                       disk_bytes=tree.disk_usage(final_dir), format_id=result.format_id, height=result.height,
                       upload_date=result.upload_date or "", duration=result.duration or 0.0,
                       resumed_bytes=run.resumed_bytes, description=result.description)
    except (Interrupted, egress.Stopped):
        log.info("%sinterrupted: handing it back, its partial files kept (%.0f%% done)", context,
                 100 * run.done_fraction)
        return Outcome(WorkerResult.INTERRUPTED, reason="worker stopping", seconds=time.monotonic() - started,
                       resumed_bytes=run.resumed_bytes, done_fraction=run.done_fraction)
    except RedisError as exc:  # live state unreachable: try again later, burning no attempt
        log.warning("%sRedis error: handing it back, its partial files kept: %s", context, exc)
        return Outcome(WorkerResult.INTERRUPTED, reason=f"Redis unavailable: {str(exc)[:200]}",
                       seconds=time.monotonic() - started, resumed_bytes=run.resumed_bytes,
                       done_fraction=run.done_fraction)
    except failures.Skipped as exc:
        log.info("%sskipped: %s", context, exc)
        run.drop_partial()
        return Outcome(WorkerResult.SKIPPED, reason=str(exc), seconds=time.monotonic() - started,
                       upload_date=exc.upload_date)
    except cookies.CookiesMissing as exc:
        log.info("%sfailed (transient): %s", context, exc)
        return Outcome(WorkerResult.FAILED, kind=FailureKind.TRANSIENT, reason=str(exc),
                       seconds=time.monotonic() - started)
    except Exception as exc:  # every failure becomes an outcome with a reason
        kind, reason = failures.classify(exc)
        log.info("%sfailed (%s): %s", context, kind, reason)
        if kind != FailureKind.TRANSIENT or _DISK_TROUBLE.search(reason) or _RANGE_REFUSED.search(reason):
            run.drop_partial()  # never to be resumed (the disk is full, the range refused); else by its retry
        return Outcome(WorkerResult.FAILED, kind=FailureKind(kind), reason=reason, seconds=time.monotonic() - started)
    finally:
        keeper.stopped.set()
        if claimed:
            _give_back(r, run, keeper, channel_id, video_id, token, context)


def _give_back(r, run: _Run, keeper: _LeaseKeeper, channel_id: str, video_id: str, token: str,
               context: str) -> None:
    """Release what the download took, each part on its own and retried, so one Redis error never keeps
    the rest (whatever still fails expires with its lease: the keeper has stopped renewing it)."""
    lease = run.lease
    steps = [("identity", lambda: egress.release(r, lease))]
    steps += [(f"slot {slot}", lambda slot=slot: site_slots.release_site_slot(r, slot, token)) for slot in keeper.slots]
    steps += [("lock", lambda: download_locks.release_lock(r, channel_id, video_id, token)),
              ("progress", lambda: download_progress.clear_download_progress(r, channel_id, video_id))]
    for name, step in steps:
        for pause in RELEASE_TRIES:
            time.sleep(pause)
            try:
                step()
                break
            except Exception as exc:
                failed = exc
        else:
            log.info("%scould not release its %s (it expires with the lease): %s", context, name, failed)


class _Run:
    """One video's way through the egress pool: an identity, the download, and on a refusal
    (the breaker trips that identity) the same video again through another one."""

    def __init__(self, request: DownloadRequest, root: Path, r, lease_seconds: float,
                 should_stop: Callable[[], bool], pool: egress.Pool, site: str, token: str,
                 keeper: _LeaseKeeper, context: str):
        self.request, self.root, self.r, self.lease_seconds = request, root, r, lease_seconds
        self.should_stop, self.pool, self.site, self.token = should_stop, pool, site, token
        self.keeper, self.context = keeper, context
        self.lease: egress.Lease | None = None
        self.temp_dir: Path | None = None
        self.holder = uuid.uuid4().hex[:16]  # this attempt's name for its download folder (never the token)
        self.resumed_bytes = 0
        self.done_fraction = 0.0

    @property
    def identity_name(self) -> str:
        return self.lease.identity.name if self.lease else "-"

    def drop_partial(self) -> None:
        """The video's download folder goes: published, or nothing in it is worth resuming (unless the
        lease was lost meanwhile: the folder is then the next holder's)."""
        if not self.keeper.lost:
            tree.drop_download_dir(self.root, self.request.channel_id, self.request.video_id)
        self.temp_dir = None

    def _drop_lease(self) -> None:
        if self.lease is not None:
            if self.lease.slot in self.keeper.slots:
                self.keeper.slots.remove(self.lease.slot)
            egress.release(self.r, self.lease)
            self.lease = None

    def download(self) -> downloading.DownloadResult | egress.Unavailable:
        """The finished temp folder's result, or ``Unavailable`` when no identity may ask the site now."""
        tries = 2 * len(self.pool.identities)  # each refusal pauses (or avoids) one identity: this ends
        avoid: set[str] = set()
        for _ in range(tries):
            got = egress.take(self.r, self.pool, self.site, self.token, self.lease_seconds, self.should_stop,
                              avoid=frozenset(avoid))
            if isinstance(got, egress.Unavailable):
                return got
            self.lease = got
            self.keeper.slots.append(got.slot)
            try:
                refused, result = self._once(got)
            except Exception as exc:
                _kind, reason = failures.classify(exc)
                if not egress.is_media_forbidden(reason) or len(avoid) + 1 >= len(self.pool.identities):
                    raise
                avoid.add(got.identity.name)  # a 403 on media, short of a run: try it through another
                refused, result = "", None
            if result is not None:
                return result
            if refused:
                egress.trip(self.r, self.pool, got, refused)
            self.drop_partial()  # what a refused (or throttled) identity was served is not resumed
            self._drop_lease()
            log.info("%sasking again through another identity", self.context)
        return egress.Unavailable(time.time() + self.pool.pause_seconds, "refused through every identity")

    def _note_progress(self, d: dict) -> None:
        """How much of the media is on disk, for the next attempt's expected time (``archiver.deadline``)."""
        total = d.get("total_bytes") or d.get("total_bytes_estimate")
        if d.get("status") == "downloading" and total and not str(d.get("filename") or "").endswith(_SIDE_FILES):
            self.done_fraction = min(1.0, float(d.get("downloaded_bytes") or 0) / float(total))

    def _once(self, lease: egress.Lease) -> tuple[str, downloading.DownloadResult | None]:
        """``("", result)`` when done, ``(why, None)`` when the site refused this identity."""
        request = self.request
        channel_id, video_id = request.channel_id, request.video_id
        video_states.set_state(self.r, channel_id, video_id, VideoStatus.DOWNLOADING)
        self.temp_dir, resumed = tree.claim_download_dir(self.root, channel_id, video_id, self.holder)
        if resumed and not self.resumed_bytes:
            self.resumed_bytes = resumed
            log.info("%sresuming: %s bytes left by an earlier attempt", self.context, resumed)
        key = request.options.cookies_key
        publish = _progress_publisher(self.r, channel_id, video_id, self.should_stop)

        def on_progress(d: dict) -> None:
            self._note_progress(d)
            egress.confirm(self.r, lease)  # (already, once the page was read: on_extracted)
            publish(d)
        try:
            with cookies.from_redis(self.r, key) if key else nullcontext() as cookiefile:
                opts = dataclasses.replace(params.Options.from_request(request.options, str(cookiefile or "")),
                                           **lease.identity.ytdlp_params())
                result = downloading.download(request.url, self.temp_dir, opts, on_progress=on_progress,
                                        context=self.context, on_extracted=lambda: egress.confirm(self.r, lease))
        except (Interrupted, failures.Skipped, cookies.CookiesMissing):
            raise
        except Exception as exc:
            kind, reason = failures.classify(exc)
            refused = egress.refusal(self.r, self.pool, lease, kind, reason)
            if refused:
                return refused, None
            raise
        finally:
            egress.confirm(self.r, lease)
        known = egress_state.known_height(self.r, self.site, channel_id)
        if looks_throttled(result.height, request.options.profile.max_height, known):
            return (f"throttled formats: offered {result.height}p where this channel was served {known}p "
                    f"(asking {request.options.profile.max_height or 'the best'})"), None
        egress.served_well(self.r, lease)
        egress_state.note_height(self.r, self.site, channel_id, result.height)
        _complete_folder(self.temp_dir, result, request)
        return "", result


def _complete_folder(temp_dir: Path, result: downloading.DownloadResult, request: DownloadRequest) -> None:
    """What every video folder holds besides yt-dlp's files, made before it is published:
    the listing's title and description in video.info.json when the page had none, a thumbnail (a frame
    of the video when the site had none), for media servers video.nfo, and last checksums.sha256
    over the rest (archiver.fixity)."""
    title = upstream_text.best_title(request.title, result.title)
    _fill_info(tree.info_file(temp_dir), title if title != result.title else "", request.description)
    thumbnail = tree.thumbnail_file(temp_dir)
    if not thumbnail.exists():
        frames.thumbnail_from_video(tree.folder_file(temp_dir, result.video_file), thumbnail, result.duration)
    if request.options.profile.write_nfo:
        try:
            info = json.loads(tree.info_file(temp_dir).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {"title": title, "description": request.description, "upload_date": result.upload_date,
                    "duration": result.duration}
        tree.nfo_file(temp_dir).write_text(nfo.video_nfo(info), encoding="utf-8")
    fixity.write_manifest(temp_dir)


def _fill_info(path: Path, title: str, description: str) -> None:
    """yt-dlp's info with the listing's ``title`` (when given: its own was the media file's name) and
    ``description`` (when it has none), and without the cookies yt-dlp copies into it (``without_cookies``);
    the folder is still private, so it is rewritten in place."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    cleaned = without_cookies(info)
    cleaned.pop("comments", None)  # kept as comments.json, in a shape of our own (archiver.comments_file)
    if not (title or (description and not info.get("description")) or cleaned != info):
        return
    info = cleaned
    if title:
        info["title"] = info["fulltitle"] = title
    if description and not info.get("description"):
        info["description"] = description
    path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")


def without_cookies(value):
    """yt-dlp's info without the cookies it sent: every ``cookies`` field (yt-dlp keeps one per format,
    and one for the chosen format, with the values of the channel's cookies file) and every ``Cookie``
    header. The archive is readable by a media server; the account's session must not be."""
    if isinstance(value, dict):
        return {key: without_cookies(item) for key, item in value.items()
                if key != "cookies" and not (isinstance(key, str) and key.lower() == "cookie")}
    if isinstance(value, list):
        return [without_cookies(item) for item in value]
    return value


_SIDE_FILES = (".vtt", ".srt", ".ass", ".ttml", ".srv1", ".srv2", ".srv3", ".json3", ".lrc",
               ".jpg", ".jpeg", ".png", ".webp")


def _progress_publisher(r, channel_id: str, video_id: str, should_stop: Callable[[], bool]):
    last = [0.0]

    def hook(d: dict) -> None:
        if should_stop():
            raise Interrupted()
        if str(d.get("filename") or "").endswith(_SIDE_FILES):
            return  # subtitles and thumbnails: the bytes that matter are the video's
        now = time.monotonic()
        if d.get("status") == "downloading" and now - last[0] < 1.0:
            return
        last[0] = now
        try:
            download_progress.publish_download_progress(r, channel_id, video_id, {
                "status": d.get("status"),
                "downloaded_bytes": d.get("downloaded_bytes"),
                "total_bytes": d.get("total_bytes") or d.get("total_bytes_estimate"),
                "speed": d.get("speed"),
                "eta": d.get("eta"),
            })
        except Exception as exc:  # live progress is best effort; the download goes on
            log.debug("progress not published: %s", exc)

    return hook
