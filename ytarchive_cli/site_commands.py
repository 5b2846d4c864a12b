"""``ytarchive sites|resume|ytdlp``: sites paused for an egress identity, and the yt-dlp in use."""
from __future__ import annotations

import time

from archiver.vocabulary import ACTIVE_JOB, JobStatus
from ytarchive_cli import output
from ytarchive_cli.client import EXIT_USAGE, POLL_SECONDS, Client, CliError
from ytarchive_cli.output import say as _out


def add_parsers(sub, common) -> None:
    sub.add_parser("sites", parents=[common], help="sites paused for an egress identity after a refusal")
    p = sub.add_parser("resume", parents=[common], help="end a site's pause now")
    p.add_argument("site", help="the site's host name, e.g. www.youtube.com")
    p.add_argument("--identity", help="only this egress identity (as `ytarchive sites` names it); default: all")
    p = sub.add_parser("ytdlp", parents=[common], help="the yt-dlp in use; update it, or roll back one version")
    p.add_argument("action", nargs="?", choices=["status", "update", "rollback"], default="status")
    p.add_argument("--version", dest="ytdlp_version", metavar="V",
                   help="update to this version (default: newest stable)")
    p.add_argument("--no-wait", action="store_true", help="do not wait for the update to finish")


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


COMMANDS = {"sites": cmd_sites, "resume": cmd_resume, "ytdlp": cmd_ytdlp}
