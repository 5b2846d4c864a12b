"""``ytarchive watched``: your own watched state and resume positions, through /api/videos/{id}/watch/,
/api/watch/bulk/ and /api/watch/continue/. Per person: any account may change its own (no staff needed)."""
from __future__ import annotations

import re

from ytarchive_cli import output
from ytarchive_cli.client import EXIT_USAGE, Client, CliError
from ytarchive_cli.output import say as _out
from ytarchive_cli.video_commands import _find_video

_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)$")


def add_parsers(sub, common) -> None:
    p = sub.add_parser("watched", parents=[common],
                       help="your watched state: show it, mark videos (un)watched, set where to resume, or --list")
    p.add_argument("videos", nargs="*", metavar="VIDEO",
                   help="a video id, or CHANNEL/VIDEO (several with --set/--unset)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--set", action="store_true", help="mark watched")
    how.add_argument("--unset", action="store_true", help="mark unwatched (it starts over at 0)")
    p.add_argument("--position", metavar="TIME", help="where to resume: seconds, M:SS or H:MM:SS")
    p.add_argument("--list", action="store_true", help="continue watching: your started, unwatched videos")
    p.add_argument("--limit", type=int, default=20, help="with --list: at most this many (default 20)")


def parse_position(text: str) -> float:
    """``90``, ``12.5``, ``1:30`` or ``1:02:03`` -> seconds; anything else is a usage error."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    match = _CLOCK.fullmatch(text)
    if not match:
        raise CliError(f"--position takes seconds, M:SS or H:MM:SS, not {text!r}", EXIT_USAGE)
    hours, minutes, seconds = int(match.group(1) or 0), int(match.group(2)), float(match.group(3))
    if seconds >= 60 or (match.group(1) is not None and minutes >= 60):
        raise CliError(f"--position takes seconds, M:SS or H:MM:SS, not {text!r}", EXIT_USAGE)
    return hours * 3600 + minutes * 60 + seconds


def _line(video: dict, state: dict) -> str:
    where = "watched" if state["watched"] else (f"stopped at {output.duration(state['position'])}"
                                                if state["position"] else "not started")
    of = f" of {output.duration(video['duration'])}" if video.get("duration") and not state["watched"] else ""
    return f"{video['channel']}/{video['video_id']}: {where}{of}  {(video.get('title') or '')[:60]}"


def cmd_watched(args, client: Client) -> int:
    if args.list:
        if args.videos or args.set or args.unset or args.position is not None:
            raise CliError("--list takes no VIDEO, --set, --unset or --position", EXIT_USAGE)
        rows = client.get("/api/watch/continue/", limit=args.limit)
        if args.json:
            _out(output.as_json(rows))
            return 0
        table = [[f"{r['video']['channel']}/{r['video']['video_id']}", output.duration(r["position"]),
                  output.duration(r["video"].get("duration")), output.when(r["updated_at"]),
                  (r["video"].get("title") or "")[:60]] for r in rows]
        _out(output.table(table, ["VIDEO", "AT", "OF", "PLAYED", "TITLE"]) if table else "nothing to continue")
        return 0
    if not args.videos:
        raise CliError("give a VIDEO (or --list for what you are in the middle of)", EXIT_USAGE)
    position = None if args.position is None else parse_position(args.position)
    if len(args.videos) > 1 and (position is not None or not (args.set or args.unset)):
        raise CliError("several VIDEOs take --set or --unset only", EXIT_USAGE)
    videos = [_find_video(client, ref) for ref in args.videos]
    if len(videos) > 1:
        body = client.post("/api/watch/bulk/", json={"video_ids": [v["id"] for v in videos], "watched": args.set})
        _out(output.as_json(body) if args.json else
             f"{body['marked']} video(s) marked {'watched' if args.set else 'unwatched'}")
        return 0
    video = videos[0]
    change = {**({"position": position} if position is not None else {}),
              **({"watched": args.set} if args.set or args.unset else {})}
    path = f"/api/videos/{video['id']}/watch/"
    state = client.call("PUT", path, json=change) if change else client.get(path)
    _out(output.as_json(state) if args.json else _line(video, state))
    return 0


COMMANDS = {"watched": cmd_watched}
