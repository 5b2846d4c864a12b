"""``ytarchive videos|retry|verify|import|history|redownload``: videos, through /api/videos/ and /api/imports/."""
from __future__ import annotations

import time

from archiver.vocabulary import ACTIVE_JOB, STORED_VIDEO_STATUSES, JobStatus
from ytarchive_cli import output
from ytarchive_cli.client import EXIT_USAGE, POLL_SECONDS, Client, CliError
from ytarchive_cli.output import say as _out


def add_parsers(sub, common) -> None:
    p = sub.add_parser("videos", parents=[common], help="a channel's videos")
    p.add_argument("channel")
    p.add_argument("--status", choices=[str(s) for s in STORED_VIDEO_STATUSES])
    p.add_argument("--dead-letter", action="store_true", help="only videos whose retries ran out")
    p = sub.add_parser("retry", parents=[common], help="retry a failed video, or every failed video of a channel")
    p.add_argument("video", nargs="?", metavar="VIDEO", help="a video id, or CHANNEL/VIDEO")
    p.add_argument("--all-failed", metavar="CHANNEL", help="retry every failed video of CHANNEL")
    p = sub.add_parser("verify", parents=[common],
                       help="re-hash archived videos against their checksums (exit 1 if any is damaged)")
    p.add_argument("channel", nargs="?", help="the channel (default: every channel)")
    p = sub.add_parser("import", parents=[common], help="adopt a yt-dlp folder on the server into a channel")
    p.add_argument("path", metavar="PATH", help="the folder, under the server's YTARCHIVE_IMPORT_ROOT")
    p.add_argument("--channel", required=True, help="the channel's URL (added if new) or its id")
    p.add_argument("--download-archive", metavar="FILE", help="a yt-dlp --download-archive file: the videos to take")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--copy", action="store_true", help="copy the files (default: hard links)")
    how.add_argument("--move", action="store_true", help="move them (linked first, originals removed at the end)")
    p.add_argument("--dry-run", action="store_true", help="say what would happen; change nothing")
    p = sub.add_parser("history", parents=[common], help="what changed upstream for a video, oldest first")
    p.add_argument("video", metavar="VIDEO", help="a video id, or CHANNEL/VIDEO")
    p = sub.add_parser("redownload", parents=[common],
                       help="download an archived (damaged) video again; its copy is kept until the new one verifies")
    p.add_argument("video", metavar="VIDEO", help="a video id, or CHANNEL/VIDEO")


def cmd_videos(args, client: Client) -> int:
    videos = list(client.pages("/api/videos/", channel=args.channel, status=args.status,
                               dead_letter="true" if args.dead_letter else None))
    if args.json:
        _out(output.as_json(videos))
        return 0
    rows = [[v["video_id"], output.shown_status(v), output.date(v.get("upload_date")), output.size(v.get("size_bytes")),
             (v.get("title") or "")[:60], output.video_note(v)] for v in videos]
    _out(output.table(rows, ["VIDEO", "STATUS", "DATE", "SIZE", "TITLE", "NOTE"]) if rows else "no videos")
    return 0


def _find_video(client: Client, ref: str) -> dict:
    channel, _, video_id = ref.rpartition("/")
    found = [v for v in client.pages("/api/videos/", video_id=video_id, channel=channel or None)
             if v["video_id"] == video_id and (not channel or v["channel"] == channel)]
    if not found:
        raise CliError(f"no video {ref}")
    if len(found) > 1:
        raise CliError(f"{video_id} is in several channels ({', '.join(v['channel'] for v in found)}): "
                       "say CHANNEL/VIDEO", EXIT_USAGE)
    return found[0]


def cmd_retry(args, client: Client) -> int:
    if bool(args.video) == bool(args.all_failed):
        raise CliError("give a VIDEO or --all-failed CHANNEL (one of them)", EXIT_USAGE)
    if args.all_failed:
        body = client.post(f"/api/channels/{args.all_failed}/retry-failed/")
        _out(output.as_json(body) if args.json else f"{body['requeued']} video(s) of {args.all_failed} requeued")
        return 0
    video = client.post(f"/api/videos/{_find_video(client, args.video)['id']}/retry/")
    _out(output.as_json(video) if args.json else f"{video['channel']}/{video['video_id']} {video['status']}")
    return 0


def cmd_verify(args, client: Client) -> int:
    """Ask the server to re-hash, wait until every archived video was checked since, report what is damaged."""
    channels = [args.channel] if args.channel else [c["id"] for c in client.pages("/api/channels/")]
    asked = {c: client.post(f"/api/channels/{c}/fixity/")["since"] for c in channels}
    results = {}
    while len(results) < len(asked):
        for channel, since in asked.items():
            if channel not in results:
                body = client.get(f"/api/channels/{channel}/fixity/", since=since)
                if body["pending"] == 0:
                    results[channel] = body
        if len(results) < len(asked):
            time.sleep(POLL_SECONDS)
    damaged = [(c, v) for c, body in results.items() for v in body["damaged"]]
    if args.json:
        _out(output.as_json(results))
    else:
        for channel, body in results.items():
            _out(f"{channel}: {body['ok']} of {body['archived']} intact, {len(body['damaged'])} damaged")
        for channel, video in damaged:
            _out(f"  {channel}/{video['video_id']}: {'; '.join(video['problems'])}")
    return 1 if damaged else 0


def cmd_import(args, client: Client) -> int:
    mode = "copy" if args.copy else "move" if args.move else "link"
    job = client.post("/api/imports/", json={"path": args.path, "channel": args.channel, "mode": mode,
                                             "dry_run": args.dry_run, "download_archive": args.download_archive or ""})
    while job["status"] in ACTIVE_JOB:
        time.sleep(POLL_SECONDS)
        job = client.get(f"/api/imports/{job['id']}/")
    if args.json:
        _out(output.as_json(job))
        return 0 if job["status"] == JobStatus.SUCCEEDED else 1
    if job["status"] != JobStatus.SUCCEEDED:
        raise CliError(f"import failed: {job['error']}")
    result = job["result"]
    verb = "would adopt" if args.dry_run else "adopted"
    refused = result.get("refused", [])
    _out(f"{job['channel']}: {verb} {len(result['adopted'])} video(s) ({mode}), skipped {len(result['skipped'])}"
         + (f", refused {len(refused)} path(s)" if refused else ""))
    for item in result["adopted"]:
        _out(f"  {verb}: {item['video_id']}  {item['title'][:60]}")
    for item in result["skipped"]:
        _out(f"  skipped: {item['video_id']}: {item['reason']}")
    for item in refused:
        _out(f"  refused: {item['path']}: {item['reason']}")
    for note in result["notes"]:
        _out(f"  note: {note}")
    return 0


def cmd_history(args, client: Client) -> int:
    video = _find_video(client, args.video)
    changes = client.get(f"/api/videos/{video['id']}/history/")
    if args.json:
        _out(output.as_json(changes))
        return 0
    if video.get("removed_upstream_at"):
        _out(f"removed upstream on {output.when(video['removed_upstream_at'])}; the archived copy stays")
    rows = [[output.when(c["at"]), c["field"], c["old"][:40].replace("\n", " "), c["new"][:60].replace("\n", " ")]
            for c in changes]
    _out(output.table(rows, ["WHEN", "FIELD", "WAS", "NOW"]) if rows else "no change seen upstream")
    return 0


def cmd_redownload(args, client: Client) -> int:
    video = client.post(f"/api/videos/{_find_video(client, args.video)['id']}/redownload/")
    _out(output.as_json(video) if args.json else f"{video['channel']}/{video['video_id']} {video['status']}: "
         "downloading again; the old copy is kept until the new one verifies")
    return 0


COMMANDS = {"videos": cmd_videos, "retry": cmd_retry, "verify": cmd_verify, "import": cmd_import,
            "history": cmd_history, "redownload": cmd_redownload}
