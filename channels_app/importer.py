"""Adopting an archive made with yt-dlp into the tree, without downloading it again.

``import_folder`` takes the videos of a yt-dlp output folder (archiver.adopt
finds them) that belong to the channel, one at a time: their files go into a
private temp folder beside the final one by hard link (``link``, the default:
the originals are never changed), ``copy``, or ``move`` (link, then remove the
originals once the video is in the catalog), get a thumbnail if they have
none, a video.nfo and checksums.sha256, and the folder is renamed into place
in one step, as a download's would be. The video is then archived in the
catalog; the next sync lists it as known and downloads only what is missing.
A video already archived is never touched. An interruption leaves the
originals and every finished video as they were (a half-built temp folder is
swept like a dead download's). ``dry_run`` says what would happen and changes
nothing.

The folder is read through ``archiver.confined``: symbolic links (to files or
folders), pipes, sockets, device files and files with a second name elsewhere
are never read, and each is named in the result's ``refused`` list.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from archiver import adopt, confined, egress, fixity, frames, nfo, tree
from archiver.egress import Pool
from archiver.errors import UserError
from archiver.ids import safe_id
from archiver.state import store
from archiver.vocabulary import ACTIVE_JOB, FailureKind, FixityStatus, JobStatus, VideoStatus
from archiver.ytdlp import listing, pages
from channels_app import archive_events, tallies
from channels_app.models import Channel, Video
from channels_app.options import channel_profile
from channels_app.services import listing_options

log = logging.getLogger(__name__)
MODES = ("link", "copy", "move")


def import_root() -> Path:
    return Path(settings.YTARCHIVE["IMPORT_ROOT"]).resolve()


def check_path(text: str, root: Path | None = None) -> Path:
    """A path under the import root (YTARCHIVE_IMPORT_ROOT) through no link; UserError otherwise."""
    root = root or import_root()
    try:
        return confined.check_inside(root, text, "the import folder")
    except confined.Refused as exc:
        raise UserError(f"{text} is refused: {exc.reason} (YTARCHIVE_IMPORT_ROOT is {root}).") from exc


def _belongs(info: dict, channel: Channel) -> bool:
    """Whether a video's info.json says it is the channel's: its channel, uploader or playlist id is the
    channel's own id, or it names none (a site without channels)."""
    owners = {str(info[k]) for k in ("channel_id", "uploader_id", "playlist_id") if info.get(k)}
    return not owners or channel.raw_id in owners


def import_folder(channel: Channel, folder: Path, mode: str = "link", dry_run: bool = False,
                  download_archive: Path | None = None, root: Path | None = None,
                  done: set[str] | frozenset = frozenset(), should_stop: Callable[[], bool] | None = None) -> dict:
    """Adopt what ``folder`` (under ``root``: the import root by default) holds of the channel.

    ``{"adopted": [...], "skipped": [{video_id, reason}], "refused": [{path, reason}], "notes": [...]}``.
    Videos in ``done`` (an earlier slice's) are passed over; when ``should_stop`` turns true (asked
    before each video after the first) the result says ``"more": True`` and the rest waits for the next slice.
    """
    if mode not in MODES:
        raise UserError(f"mode must be one of: {', '.join(MODES)}")
    root = Path(root).resolve() if root else import_root()
    accounted = _archive_inodes(channel)
    scan = confined.scan(folder, root, accounted)
    found, notes = adopt.find_videos(scan, accounted)
    if download_archive is not None:
        found, more = _from_download_archive(channel, scan, download_archive, found)
        notes += more
    adopted, skipped, more = [], [], False
    for item in found:
        video_id = safe_id(item.video_id)
        if video_id in done:
            continue
        if should_stop is not None and (adopted or skipped) and should_stop():
            more = True
            break
        reason = _refusal(channel, item, video_id)
        if reason:
            skipped.append({"video_id": video_id, "reason": reason})
            continue
        if dry_run:
            adopted.append({"video_id": video_id, "title": str(item.info.get("title") or ""),
                            "files": [p.name for p in item.files()]})
            continue
        try:
            adopted.append(_adopt_one(channel, item, video_id, mode, root))
        except adopt.AdoptError as exc:
            skipped.append({"video_id": video_id, "reason": str(exc)})
    for refusal in scan.refused:
        log.warning("import channel=%s: refused %s: %s", channel.id, refusal["path"], refusal["reason"])
    log.info("import channel=%s from %s mode=%s dry_run=%s: %s adopted, %s skipped, %s refused", channel.id, folder,
             mode, dry_run, len(adopted), len(skipped), len(scan.refused))
    result = {"adopted": adopted, "skipped": skipped, "refused": scan.refused, "notes": notes, "dry_run": dry_run,
              "mode": mode}
    return {**result, "more": True} if more else result


def _merged(before: dict, now: dict) -> dict:
    """One slice's result added to the slices' before it (refusals and notes: the latest scan's)."""
    if not before:
        return now
    return {**now, "adopted": before.get("adopted", []) + now["adopted"],
            "skipped": before.get("skipped", []) + now["skipped"]}


def run_import_slice(job_id: int, should_stop: Callable[[], bool]) -> tuple[dict, dict | None]:
    """One slice of an ImportJob (the task holds its lease): (what it did, the next slice's kwargs or None).

    The job's ``result`` so far is the cursor: the videos it names are not looked at again.
    """
    from channels_app.models import ImportJob

    job = ImportJob.objects.select_related("channel").filter(pk=job_id, status__in=ACTIVE_JOB).first()
    if job is None:
        return {"skipped": "no such job waiting or running"}, None
    ImportJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    before = job.result if job.status == JobStatus.RUNNING and isinstance(job.result, dict) else {}
    done = {str(v.get("video_id")) for key in ("adopted", "skipped") for v in before.get(key, [])}
    try:
        archive = check_path(job.download_archive) if job.download_archive else None
        now = import_folder(job.channel, check_path(job.path), job.mode, job.dry_run, archive, done=done,
                            should_stop=should_stop)
    except Exception as exc:  # the job says what happened, whatever it was
        if not isinstance(exc, UserError):
            log.warning("import %s failed", job.pk, exc_info=True)
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=str(exc)[:5000],
                                                   finished_at=timezone.now())
        return {"failed": str(exc)[:200]}, None
    more = now.pop("more", False)
    result = _merged(before, now)
    if more:
        ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(result=result)
        return {"adopted": len(now["adopted"]), "skipped": len(now["skipped"])}, {"job_id": job.pk}
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now())
    return {"adopted": len(result["adopted"]), "skipped": len(result["skipped"])}, None


def _archive_inodes(channel: Channel) -> set[confined.Inode]:
    """The inodes of the channel's files in the archive (temp folders too): a file in the import folder
    that shares one was linked there by an earlier import, and its second name is ours."""
    inodes = set()
    for dirpath, _dirs, files in os.walk(tree.videos_dir(settings.ARCHIVE_ROOT, channel.id), followlinks=False):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            inodes.add((st.st_dev, st.st_ino))
    return inodes


def _refusal(channel: Channel, item: adopt.Found, video_id: str) -> str:
    if not _belongs(item.info, channel):
        return f"belongs to another channel ({item.info.get('channel_id') or item.info.get('uploader_id')})"
    if tree.is_archived(settings.ARCHIVE_ROOT, channel.id, video_id):
        return "already archived"
    return ""


def _adopt_one(channel: Channel, item: adopt.Found, video_id: str, mode: str, source_root: Path) -> dict:
    root = settings.ARCHIVE_ROOT
    temp = tree.make_temp_video_dir(root, channel.id, video_id)
    try:
        media_name = adopt.link_into(item, temp, source_root, copy=mode == "copy")
        thumbnail = tree.thumbnail_file(temp)
        if not thumbnail.exists():  # a WebP/PNG one converted (from its copy in temp), or a frame of the video
            source = next(temp.glob(adopt.SOURCE_THUMBNAIL + ".*"), None)
            frames.thumbnail_from_video(source or tree.folder_file(temp, media_name), thumbnail,
                                        0 if source else item.info.get("duration"))
            if source is not None:
                source.unlink()
        if channel_profile(channel).write_nfo:
            tree.nfo_file(temp).write_text(nfo.video_nfo(item.info), encoding="utf-8")
        fixity.write_manifest(temp)
        final = tree.video_dir(root, channel.id, video_id)
        if not tree.publish_video_dir(temp, final, linked_too=mode == "copy"):
            raise adopt.AdoptError("archived meanwhile by a download")
        temp = None
    finally:
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    info = item.info
    now = timezone.now()
    duration = info.get("duration")
    Video.objects.update_or_create(channel=channel, video_id=video_id, defaults={
        "raw_id": str(item.video_id)[:500],
        "url": str(info.get("webpage_url") or info.get("original_url") or "")[:2000],
        "title": str(info.get("title") or "")[:1000], "upload_date": str(info.get("upload_date") or "")[:8],
        "duration": float(duration) if isinstance(duration, int | float) else None,
        "status": VideoStatus.ARCHIVED, "failure_kind": FailureKind.NONE, "last_error": "", "archived_at": now,
        "video_file": media_name, "size_bytes": tree.dir_size(final), "subtitles": sorted(item.subtitles),
        "format_id": str(info.get("format_id") or "")[:100],
        "height": info["height"] if isinstance(info.get("height"), int) else None,
        "fixity_status": FixityStatus.OK, "fixity_checked_at": now, "fixity_problems": [],
    })
    tallies.add_storage(tree.disk_usage(final))
    archive_events.video_published.send(sender=None, channel_id=channel.id, video_id=video_id)
    if mode == "move":  # the video is safe in the archive and the catalog: now the originals may go
        for path in item.files():
            st = os.lstat(path) if os.path.lexists(path) else None
            if st is not None and (st.st_dev, st.st_ino) == item.inodes.get(path):  # only a name of what we linked
                path.unlink()
    return {"video_id": video_id, "title": str(info.get("title") or ""), "files": [p.name for p in item.files()]}


def _from_download_archive(channel: Channel, scan: confined.Scan, archive_file: Path,
                           found: list[adopt.Found]) -> tuple[list[adopt.Found], list[str]]:
    """The videos a ``--download-archive`` file names: their info.json if found, else their page's metadata."""
    # Under the root (the API checked it is), or beside it: a file the operator named to manage.py.
    own_root = scan.root if archive_file.is_relative_to(scan.root) else archive_file.parent.resolve()
    try:
        entries = adopt.read_download_archive(archive_file, own_root)
    except confined.Refused as exc:
        raise UserError(f"{archive_file} is refused: {exc.reason}") from exc
    wanted = [vid for _extractor, vid in entries]
    by_id = {item.video_id: item for item in found}
    missing = [vid for vid in wanted if vid not in by_id]
    notes = []
    urls = _listing_urls(channel) if missing else {}
    for vid in missing:
        media = adopt.find_by_id(scan, vid)
        if media is None:
            notes.append(f"{vid}: in the download archive, but no file named with [{vid}] was found")
            continue
        if vid not in urls:
            notes.append(f"{vid}: not in the channel's listing, so its metadata cannot be read")
            continue
        try:  # a video's page read counts against its site's budget, like a download
            with egress.reading(store.connect(settings.REDIS_URL), Pool.from_settings(settings.YTARCHIVE),
                                urls[vid], max_wait_seconds=settings.YTARCHIVE["BUDGET_WAIT_SECONDS"]) as identity:
                info = pages.video_info(urls[vid], dataclasses.replace(listing_options(channel),
                                                                       **identity.ytdlp_params()))
        except Exception as exc:
            notes.append(f"{vid}: its metadata could not be read: {str(exc)[:200]}")
            continue
        base = media.name[: -len(media.suffix)]
        siblings = adopt.siblings_of(scan, media)
        thumb = next((siblings[f"{base}.{e}"] for e in adopt.THUMB_EXTS if f"{base}.{e}" in siblings), None)
        item = adopt.Found(video_id=vid, info=info, media=media, thumbnail=thumb,
                           subtitles={n[len(base) + 1:-4]: p for n, p in siblings.items() if n.endswith(".vtt")})
        item.inodes = {p: scan.files[p] for p in item.files()}
        by_id[vid] = item
    return [by_id[vid] for vid in wanted if vid in by_id], notes


def _listing_urls(channel: Channel) -> dict[str, str]:
    """The channel's video URLs by the site's id, from a listing (nothing written to the catalog)."""
    urls = {}
    for _tab, entries in listing.iter_tabs(channel.url, listing_options(channel)):
        for entry in entries:
            urls[entry.raw_id] = entry.url
    return urls
