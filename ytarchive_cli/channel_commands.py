"""``ytarchive add|list|sync|progress|set|remove|feed|nfo|cookies``: channels, through /api/channels/."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from archiver.vocabulary import ACTIVE_JOB, FlightState, VideoStatus
from ytarchive_cli import option_flags, output
from ytarchive_cli.client import EXIT_USAGE, POLL_SECONDS, Client, CliError
from ytarchive_cli.output import say as _out


def add_parsers(sub, common) -> None:
    p = sub.add_parser("add", parents=[common], help="add a channel by URL")
    p.add_argument("channel_url", metavar="URL")
    p.add_argument("--interval", type=float, metavar="HOURS", help="hours between scheduled syncs")
    p.add_argument("--paused", action="store_true",
                   help="add it without a sync and with its scheduled syncs off, until `sync` or a resume "
                        "(by default its first sync starts at once)")
    option_flags.add_flags(p)
    sub.add_parser("list", parents=[common], help="list channels")
    p = sub.add_parser("sync", parents=[common], help="sync a channel now")
    p.add_argument("channel")
    p.add_argument("--full", action="store_true", help="rescan everything, not just what is new")
    p = sub.add_parser("progress", parents=[common], help="a channel's progress")
    p.add_argument("channel")
    p.add_argument("--watch", action="store_true", help="a live progress bar until the channel settles")
    p = sub.add_parser("set", parents=[common], help="a channel's download options (empty value: the default)")
    p.add_argument("channel")
    option_flags.add_flags(p)
    p.add_argument("--sleep", nargs=2, metavar=("MIN", "MAX"), help="seconds to wait before each download "
                   "(--sleep-min and --sleep-max at once)")
    p.add_argument("--order", choices=["newest", "oldest", ""],
                   help="which queued videos download first ('' = the default, newest)")
    p.add_argument("--interval", metavar="HOURS", type=float, help="hours between scheduled syncs")
    p = sub.add_parser("remove", parents=[common], help="remove a channel (files stay unless --delete-files)")
    p.add_argument("channel")
    p.add_argument("--delete-files", action="store_true", help="also delete its folder in the archive")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
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


def cmd_add(args, client: Client) -> int:
    payload = {"url": args.channel_url, "paused": args.paused, **option_flags.changes(args)}
    if args.interval is not None:
        payload["sync_interval_hours"] = args.interval
    channel = client.post("/api/channels/", json=payload)
    if args.json:
        _out(output.as_json(channel))
        return 0
    name = f"{channel['id']} ({channel['title']})" if channel.get("title") else channel["id"]
    sync = channel.get("sync")
    _out(f"Added {name}; syncing now (sync {sync['id']})" if sync else
         f"Added {name}, paused: `ytarchive sync {channel['id']}` starts it")
    return 0


def cmd_list(args, client: Client) -> int:
    channels = list(client.pages("/api/channels/"))
    if args.json:
        _out(output.as_json(channels))
        return 0
    rows = [[c["id"], c.get("title") or "", f"{c.get('archived_count', 0)}/{c.get('video_count', 0)}",
             str(c.get("failed_count", 0)), str(c.get("waiting_count", 0)), output.when(c.get("last_synced_at")),
             f"every {c['sync_interval_hours']:g} h" if c.get("enabled") else "paused"] for c in channels]
    _out(output.table(rows, ["ID", "TITLE", "ARCHIVED", "FAILED", "WAITING", "LAST SYNC", "SCHEDULE"])
         if rows else "no channels yet")
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
    counts = output.counts_words(progress) if progress["total"] else "none yet"
    sync = progress.get("sync") or {}
    _out(f"{args.channel}: {counts}" + (f"; sync {sync.get('status')}" if sync else ""))
    for flight in progress["in_flight"]:
        state = "interrupted, resuming" if flight.get("state") == FlightState.INTERRUPTED else FlightState.DOWNLOADING
        _out(f"  {state} {flight['video_id']}: {output.size(flight.get('downloaded_bytes'))}"
             f" of {output.size(flight.get('total_bytes'))}")
    return 0




def _watch(client: Client, channel: str) -> int:
    """A rich progress bar of archived over total (failures are counted apart, never as done), until nothing
    is left to do."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
               TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(channel, total=None, note="")
        while True:
            progress = _progress(client, channel)
            sync = (progress.get("sync") or {}).get("status", "")
            note = output.counts_words(progress).partition(", ")[2]  # after "N of M archived": the bar says it
            if sync in ACTIVE_JOB:
                note = f"sync {sync}" + (f"; {note}" if note else "")
            bar.update(task, total=progress["total"] or None, completed=progress[VideoStatus.ARCHIVED], note=note)
            if progress["total"] and output.settled(progress):
                break
            time.sleep(POLL_SECONDS)
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
         + (f", library view {eff['library_layout']}" if eff.get("library_layout") not in (None, "", "off") else "")
         + (", oldest first" if eff.get("download_order") == "oldest" else ""))
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
    scope = args.channel or "global"
    if args.clear:  # without a channel only the global cookies go: channels with their own keep theirs
        client.call("DELETE", path)
        said = (f"cookies of {args.channel} removed" if args.channel else
                "global cookies removed; channels with cookies of their own keep them")
        _out(output.as_json({"scope": scope, "set": False}) if args.json else said)
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


COMMANDS = {"add": cmd_add, "list": cmd_list, "sync": cmd_sync, "progress": cmd_progress, "set": cmd_set,
            "remove": cmd_remove, "feed": cmd_feed, "nfo": cmd_nfo, "cookies": cmd_cookies}
