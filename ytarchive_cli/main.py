"""``ytarchive COMMAND``: add, list, sync, watch, browse and retry through the REST API.

Exit codes: 0 done, 1 the server refused (its message is printed), 2 bad
usage or not logged in, 3 the server could not be reached, 130 interrupted.
Every error is one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import getpass
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from archiver.vocabulary import ACTIVE_JOB, DONE_STATUSES, STORED_VIDEO_STATUSES, JobStatus, VideoStatus
from ytarchive_cli import config, option_flags, output, token_commands
from ytarchive_cli.client import EXIT_USAGE, Client, CliError

POLL_SECONDS = 1.0


def _out(text: str) -> None:
    sys.stdout.write(output.printable(text) + "\n")  # upstream text never drives the terminal


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line and exit code 2."""

    def error(self, message):
        raise CliError(f"{message} (see `ytarchive --help`)", EXIT_USAGE)


def _common(defaults: bool) -> argparse.ArgumentParser:
    """--url and --json, before or after the command (a subcommand must not reset them: SUPPRESS)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default=None if defaults else argparse.SUPPRESS,
                        help="the ytarchive server (default: YTARCHIVE_URL, the saved one, or "
                             "http://127.0.0.1:$PORT, port 8000 when PORT is unset)")
    common.add_argument("--json", action="store_true", default=False if defaults else argparse.SUPPRESS,
                        help="machine-readable output")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common(defaults=False)
    parser = _Parser(prog="ytarchive", description="Archive whole video channels: the ytarchive command line.",
                     parents=[_common(defaults=True)])
    parser.add_argument("--version", action="version", version=f"ytarchive {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    p = sub.add_parser("login", parents=[common], help="get a token and save it (0600)")
    p.add_argument("--username", "-u")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    token_commands.add_parsers(sub, common)
    p = sub.add_parser("add", parents=[common], help="add a channel by URL")
    p.add_argument("channel_url", metavar="URL")
    p.add_argument("--interval", type=float, metavar="HOURS", help="hours between scheduled syncs")
    p.add_argument("--paused", action="store_true", help="no scheduled syncs until resumed")
    option_flags.add_flags(p)
    sub.add_parser("list", parents=[common], help="list channels")
    p = sub.add_parser("sync", parents=[common], help="sync a channel now")
    p.add_argument("channel")
    p.add_argument("--full", action="store_true", help="rescan everything, not just what is new")
    p = sub.add_parser("progress", parents=[common], help="a channel's progress")
    p.add_argument("channel")
    p.add_argument("--watch", action="store_true", help="a live progress bar until the channel settles")
    p = sub.add_parser("videos", parents=[common], help="a channel's videos")
    p.add_argument("channel")
    p.add_argument("--status", choices=[str(s) for s in STORED_VIDEO_STATUSES])
    p.add_argument("--dead-letter", action="store_true", help="only videos whose retries ran out")
    p = sub.add_parser("retry", parents=[common], help="retry a failed video, or every failed video of a channel")
    p.add_argument("video", nargs="?", metavar="VIDEO", help="a video id, or CHANNEL/VIDEO")
    p.add_argument("--all-failed", metavar="CHANNEL", help="retry every failed video of CHANNEL")
    p = sub.add_parser("set", parents=[common], help="a channel's download options (empty value: the default)")
    p.add_argument("channel")
    option_flags.add_flags(p)
    p.add_argument("--sleep", nargs=2, metavar=("MIN", "MAX"), help="seconds to wait before each download "
                   "(--sleep-min and --sleep-max at once)")
    p.add_argument("--order", choices=["newest", "oldest", ""],
                   help="which queued videos download first ('' = the default, newest)")
    p.add_argument("--interval", metavar="HOURS", type=float, help="hours between scheduled syncs")
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
    p = sub.add_parser("feed", parents=[common], help="a channel's podcast feed address, or the OPML of all")
    p.add_argument("channel", nargs="?", help="the channel; without it, the OPML of every channel's feed")
    p.add_argument("--rotate", action="store_true", help="a new address (the old one stops working)")
    p = sub.add_parser("nfo", parents=[common], help="write video.nfo/tvshow.nfo for videos archived before")
    p.add_argument("channel")
    p.add_argument("--overwrite", action="store_true", help="rewrite NFO files that exist")
    p = sub.add_parser("cookies", parents=[common],
                       help="set or remove the cookies a channel (or every channel) downloads with")
    p.add_argument("channel", nargs="?", help="the channel; without it, the global cookies of every channel")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--file", metavar="COOKIES_TXT", help="a cookies.txt in Netscape format ('-': standard input)")
    what.add_argument("--clear", action="store_true", help="remove them")
    sub.add_parser("sites", parents=[common], help="sites paused for an egress identity after a refusal")
    p = sub.add_parser("resume", parents=[common], help="end a site's pause now")
    p.add_argument("site", help="the site's host name, e.g. www.youtube.com")
    p.add_argument("--identity", help="only this egress identity (as `ytarchive sites` names it); default: all")
    p = sub.add_parser("ytdlp", parents=[common], help="the yt-dlp in use; update it, or roll back one version")
    p.add_argument("action", nargs="?", choices=["status", "update", "rollback"], default="status")
    p.add_argument("--version", dest="ytdlp_version", metavar="V",
                   help="update to this version (default: newest stable)")
    p.add_argument("--no-wait", action="store_true", help="do not wait for the update to finish")
    p = sub.add_parser("remove", parents=[common], help="remove a channel (files stay unless --delete-files)")
    p.add_argument("channel")
    p.add_argument("--delete-files", action="store_true", help="also delete its folder in the archive")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    return parser


def _version() -> str:
    try:
        return version("ytarchive")
    except PackageNotFoundError:
        return "unknown"


def cmd_login(args, client: Client) -> int:
    username = args.username or (input("Username: ") if sys.stdin.isatty() else None)
    if not username:
        raise CliError("give --username (standard input is not a terminal)", EXIT_USAGE)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    body = client.post("/api/auth/token/", json={"username": username, "password": password})
    path = config.save(client.url, body["token"])
    _out(output.as_json({"url": client.url, "token_file": str(path)}) if args.json
         else f"logged in to {client.url} as {username}; token saved in {path}")
    return 0


def cmd_add(args, client: Client) -> int:
    payload = {"url": args.channel_url, "enabled": not args.paused, **option_flags.changes(args)}
    if args.interval is not None:
        payload["sync_interval_hours"] = args.interval
    channel = client.post("/api/channels/", json=payload)
    _out(output.as_json(channel) if args.json else f"added {channel['id']}: {channel.get('title') or ''}".rstrip())
    return 0


def cmd_list(args, client: Client) -> int:
    channels = list(client.pages("/api/channels/"))
    if args.json:
        _out(output.as_json(channels))
        return 0
    rows = [[c["id"], c.get("title") or "", f"{c.get('archived_count', 0)}/{c.get('video_count', 0)}",
             output.when(c.get("last_synced_at")),
             f"every {c['sync_interval_hours']:g} h" if c.get("enabled") else "paused"] for c in channels]
    _out(output.table(rows, ["ID", "TITLE", "ARCHIVED", "LAST SYNC", "SCHEDULE"]) if rows else "no channels yet")
    return 0


def cmd_sync(args, client: Client) -> int:
    job = client.post(f"/api/channels/{args.channel}/sync/", full="true" if args.full else None)
    _out(output.as_json(job) if args.json else
         f"{'full ' if job.get('full') else ''}sync {job['id']} of {args.channel} {job['status']}")
    return 0


def _progress(client: Client, channel: str) -> dict:
    return output.normalise_progress(client.get(f"/api/channels/{channel}/progress/"))


def cmd_progress(args, client: Client) -> int:
    if args.watch:
        return _watch(client, args.channel)
    progress = _progress(client, args.channel)
    if args.json:
        _out(output.as_json(progress))
        return 0
    counts = ", ".join(f"{progress[s]} {s}" for s in output.STATUSES if progress[s])
    sync = progress.get("sync") or {}
    _out(f"{args.channel}: {progress['total']} videos: {counts or 'none yet'}"
         + (f"; sync {sync.get('status')}" if sync else ""))
    for flight in progress["in_flight"]:
        _out(f"  downloading {flight['video_id']}: {output.size(flight.get('downloaded_bytes'))}"
             f" of {output.size(flight.get('total_bytes'))}")
    return 0


# The progress bar's note: what runs and waits, then what ended but not archived.
_WATCHED = (VideoStatus.DOWNLOADING, VideoStatus.QUEUED, VideoStatus.RETRYING, VideoStatus.FAILED, VideoStatus.SKIPPED)


def _watch(client: Client, channel: str) -> int:
    """A rich progress bar of done (archived, failed or skipped) over total, until nothing is left to do."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
               TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(channel, total=None, note="")
        while True:
            progress = _progress(client, channel)
            sync = (progress.get("sync") or {}).get("status", "")
            note = ", ".join(f"{progress[s]} {s}" for s in _WATCHED if progress[s])
            if sync in ACTIVE_JOB:
                note = f"sync {sync}" + (f"; {note}" if note else "")
            done = sum(progress[s] for s in DONE_STATUSES)
            bar.update(task, total=progress["total"] or None, completed=done, note=note)
            if progress["total"] and output.settled(progress):
                break
            time.sleep(POLL_SECONDS)
    return 0


def cmd_videos(args, client: Client) -> int:
    videos = list(client.pages("/api/videos/", channel=args.channel, status=args.status,
                               dead_letter="true" if args.dead_letter else None))
    if args.json:
        _out(output.as_json(videos))
        return 0
    rows = [[v["video_id"], v["status"], output.date(v.get("upload_date")), output.size(v.get("size_bytes")),
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


def cmd_remove(args, client: Client) -> int:
    what = "and DELETE its files" if args.delete_files else "(its files stay in the archive)"
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("refusing to remove without --yes (standard input is not a terminal)", EXIT_USAGE)
        if input(f"Remove {args.channel} {what}? [y/N] ").strip().lower() not in ("y", "yes"):
            _out("nothing removed")
            return 1
    client.call("DELETE", f"/api/channels/{args.channel}/", params={"delete_files": "true"} if args.delete_files
                else None)
    _out(output.as_json({"removed": args.channel, "files_deleted": args.delete_files}) if args.json
         else f"removed {args.channel} {what}")
    return 0


def cmd_set(args, client: Client) -> int:
    changes = option_flags.changes(args)
    if args.sleep:
        changes["sleep_min"], changes["sleep_max"] = (option_flags.number_or_default(v, "--sleep", float)
                                                      for v in args.sleep)
    if args.order is not None:
        changes["download_order"] = args.order
    if args.interval is not None:
        changes["sync_interval_hours"] = args.interval
    if not changes:
        raise CliError("nothing to set: give at least one option (see ytarchive set --help)", EXIT_USAGE)
    channel = client.call("PATCH", f"/api/channels/{args.channel}/", json=changes)
    if args.json:
        _out(output.as_json(channel))
        return 0
    eff = channel["effective"]
    _out(f"{channel['id']}: max height {eff['max_height'] or 'best'}, container {eff['container'] or 'as served'}, "
         f"audio only {eff['audio_only'] or 'no'}, tabs {','.join(eff['tabs'])}, "
         f"sleep {eff['sleep_min']:g}-{eff['sleep_max']:g} s"
         + (f", published since {eff['published_after']}" if eff.get("published_after") else "")
         + (f", SponsorBlock marks {','.join(eff['sponsorblock_mark'])}" if eff.get("sponsorblock_mark") else "")
         + (f", SponsorBlock cuts {','.join(eff['sponsorblock_remove'])}" if eff.get("sponsorblock_remove") else "")
         + (f", extractor args {eff['extractor_args']}" if eff.get("extractor_args") else "")
         + (", oldest first" if eff.get("download_order") == "oldest" else ""))
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


def cmd_feed(args, client: Client) -> int:
    if not args.channel:
        if args.rotate:
            raise CliError("--rotate needs a CHANNEL", EXIT_USAGE)
        _out(client.text("/api/feeds.opml").rstrip("\n"))
        return 0
    if args.rotate:
        url = client.post(f"/api/channels/{args.channel}/feed-token/")["feed_url"]
    else:
        url = client.get(f"/api/channels/{args.channel}/")["feed_url"]
    _out(output.as_json({"channel": args.channel, "feed_url": url}) if args.json else url)
    return 0


def cmd_nfo(args, client: Client) -> int:
    body = client.post(f"/api/channels/{args.channel}/nfo/", overwrite="true" if args.overwrite else None)
    _out(output.as_json(body) if args.json else f"media-server files of {args.channel} are being written")
    return 0


def cmd_cookies(args, client: Client) -> int:
    """Upload (``--file``), remove (``--clear``) or show whose cookies are in use; never prints them."""
    path = f"/api/channels/{args.channel}/cookies/" if args.channel else "/api/cookies/"
    scope = args.channel or "every channel"
    if args.clear:
        client.call("DELETE", path)
        _out(output.as_json({"scope": scope, "set": False}) if args.json else f"cookies of {scope} removed")
        return 0
    if args.file:
        try:
            data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        except OSError as exc:
            raise CliError(f"cannot read {args.file}: {exc.strerror or exc}", EXIT_USAGE) from None
        state = client.call("PUT", path, files={"file": ("cookies.txt", data, "text/plain")})
    else:
        state = client.get(path)
    if args.json:
        _out(output.as_json({"scope": scope, **state}))
        return 0
    if not args.channel:
        _out(f"global cookies (for channels without their own): {'set' if state['set'] else 'none'}")
        return 0
    used = {"channel": "its own cookies", "global": "the global cookies", "": "no cookies"}[state["used"]]
    _out(f"{scope}: {'cookies set' if state['set'] else 'no cookies of its own'}; downloads use {used}")
    return 0


def cmd_sites(args, client: Client) -> int:
    sites = client.get("/api/sites/")
    if args.json:
        _out(output.as_json(sites))
        return 0
    rows = [[s["site"], s.get("identity", ""), output.when(s["until"]), str(s["waiting"]), str(s["strikes"]),
             s["reason"][:60]] for s in sites]
    _out(output.table(rows, ["SITE", "IDENTITY", "PAUSED UNTIL", "WAITING", "STRIKES", "WHY"]) if rows
         else "no site is paused")
    return 0


def cmd_resume(args, client: Client) -> int:
    body = client.post(f"/api/sites/{args.site}/resume/", identity=args.identity)
    _out(output.as_json(body) if args.json else f"{args.site} resumed: {body['resumed']} video(s) go now")
    return 0


def _ytdlp_line(name: str, v: dict) -> str:
    released = f", released {v['release_date']} ({v['age_days']} days ago)" if v.get("release_date") else ""
    return f"{name}: yt-dlp {v['version']}{released}" + (f" [{v['source']}]" if v.get("source") else "")


def cmd_ytdlp(args, client: Client) -> int:
    """Show the versions in use; ``update``/``rollback`` ask the server and wait for its control worker's answer."""
    if args.action == "status":
        if args.ytdlp_version:
            raise CliError("--version goes with `ytarchive ytdlp update`", EXIT_USAGE)
        body = client.get("/api/ytdlp/")
        if args.json:
            _out(output.as_json(body))
            return 0
        _out(_ytdlp_line("new processes", body["selected"]))
        _out(_ytdlp_line("control", body["control"]))
        for worker in body["workers"]:
            _out(_ytdlp_line(f"worker {worker['name']}", worker))
        update = body.get("update") or {}
        if update:
            _out(f"last {update.get('action')}: {update.get('status')}: "
                 f"{update.get('message') or update.get('requested')}")
        return 0
    if args.action == "rollback" and args.ytdlp_version:
        raise CliError("rollback goes back one version; it takes no --version", EXIT_USAGE)
    path = "/api/ytdlp/update/" if args.action == "update" else "/api/ytdlp/rollback/"
    record = client.post(path, json={"version": args.ytdlp_version or ""} if args.action == "update" else None)
    job_id = record.get("id")
    while not args.no_wait and record.get("status") in ACTIVE_JOB:
        time.sleep(POLL_SECONDS)
        record = client.get("/api/ytdlp/").get("update") or {}
        if record.get("id") != job_id:
            raise CliError(f"the yt-dlp {args.action} {job_id} was replaced by another; see `ytarchive ytdlp`")
    if args.json:
        _out(output.as_json(record))
    elif record.get("status") == JobStatus.FAILED:
        raise CliError(f"yt-dlp {args.action} failed: {record.get('message')}")
    else:
        _out(f"yt-dlp {args.action} {record.get('status')}: {record.get('message') or record.get('requested')}")
    return 1 if record.get("status") == JobStatus.FAILED else 0


COMMANDS = {"ytdlp": cmd_ytdlp,
            "set": cmd_set, "cookies": cmd_cookies, "nfo": cmd_nfo, "feed": cmd_feed, "sites": cmd_sites,
            "resume": cmd_resume, "verify": cmd_verify, "redownload": cmd_redownload, "history": cmd_history,
            "import": cmd_import,
            "login": cmd_login, "add": cmd_add, "list": cmd_list, "sync": cmd_sync, "progress": cmd_progress,
            "videos": cmd_videos, "retry": cmd_retry, "remove": cmd_remove, **token_commands.COMMANDS}


def run(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    url, token = config.resolve(args.url, None)
    return COMMANDS[args.command](args, Client(url, token))


def main(argv: list[str] | None = None) -> None:
    try:
        code = run(argv)
    except CliError as exc:
        sys.stderr.write(f"ytarchive: {output.printable(str(exc))}\n")
        code = exc.code
    except KeyboardInterrupt:
        sys.stderr.write("ytarchive: interrupted\n")
        code = 130
    sys.exit(code)


if __name__ == "__main__":
    main()
