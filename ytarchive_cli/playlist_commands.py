"""``ytarchive playlists CHANNEL [PLAYLIST]``: a channel's playlists, one playlist's videos in order, and
``--add URL`` to add a playlist URL to the channel (through /api/channels/{id}/playlists/ and /api/playlists/)."""
from __future__ import annotations

from urllib.parse import quote

from ytarchive_cli import output
from ytarchive_cli.client import EXIT_USAGE, Client, CliError
from ytarchive_cli.output import say as _out


def add_parsers(sub, common) -> None:
    p = sub.add_parser("playlists", parents=[common],
                       help="a channel's playlists, or one playlist's videos in order")
    p.add_argument("channel")
    p.add_argument("playlist", nargs="?", help="a playlist id: its videos, in order, with their status")
    p.add_argument("--add", metavar="URL", help="add a playlist URL to the channel (listed at once)")


def _seg(text: str) -> str:
    return quote(text, safe="")


def _state(playlist: dict) -> str:
    return "removed upstream" if playlist.get("removed_upstream") else ""


def cmd_playlists(args, client: Client) -> int:
    if args.add and args.playlist:
        raise CliError("give either a PLAYLIST or --add URL, not both", EXIT_USAGE)
    channel = _seg(args.channel)
    if args.add:
        playlist = client.post(f"/api/channels/{channel}/playlists/", json={"url": args.add})
        _out(output.as_json(playlist) if args.json else
             f"Added playlist {playlist['playlist_id']} ({playlist['title']}): {playlist['entry_count']} videos")
        return 0
    if args.playlist:
        playlist = client.get(f"/api/playlists/{channel}/{_seg(args.playlist)}/")
        if args.json:
            _out(output.as_json(playlist))
            return 0
        head = f"{playlist['title']} [{playlist['playlist_id']}]"
        _out(f"{head} ({_state(playlist)})" if _state(playlist) else head)
        rows = [[str(e["position"]), e["video_id"], e["status"], e["title"]] for e in playlist["entries"]]
        _out(output.table(rows, ["#", "VIDEO", "STATUS", "TITLE"]) if rows else "no videos")
        return 0
    playlists = client.get(f"/api/channels/{channel}/playlists/")
    if args.json:
        _out(output.as_json(playlists))
        return 0
    rows = [[p["playlist_id"], str(p["entry_count"]), p["source"], _state(p), p["title"]] for p in playlists]
    _out(output.table(rows, ["PLAYLIST", "VIDEOS", "FROM", "STATE", "TITLE"]) if rows else "no playlists yet")
    return 0


COMMANDS = {"playlists": cmd_playlists}
