"""``ytarchive search QUERY``: every word of the archive's titles, descriptions, subtitles and comments,
through ``GET /api/search/``; one hit a line, a subtitle's with the time code it was said at."""
from __future__ import annotations

import html
import re

from archiver import readable
from ytarchive_cli import output
from ytarchive_cli.client import Client
from ytarchive_cli.output import say as _out

KINDS = ("title", "description", "subtitle", "comment")
_TAG = re.compile(r"</?mark>")


def add_parsers(sub, common) -> None:
    p = sub.add_parser("search", parents=[common],
                       help='search titles, descriptions, subtitles and comments (words, "a phrase", prefix*)')
    p.add_argument("query", nargs="+", metavar="QUERY",
                   help='words (all of them), "an exact phrase", prefix*, channel:ID, kind:KIND')
    p.add_argument("--channel", metavar="CHANNEL", help="only this channel's videos (its id)")
    p.add_argument("--kind", choices=KINDS, help="only hits of this kind")
    p.add_argument("--page", type=int, default=1, help="which page of 20 hits (default 1)")


def plain(snippet: str, marked: str = "*") -> str:
    """The API's snippet (HTML, matched words in <mark>) as terminal text: the words between ``marked``."""
    return html.unescape(_TAG.sub(marked, snippet)).replace("\n", " ")


def line(hit: dict) -> str:
    """``CHANNEL/VIDEO  0:04 de  the *words* said`` (a subtitle), ``… comment Ugx1: text``, ``… title: text``."""
    where = f"{hit['channel_id']}/{hit['video_id']}"
    if hit["kind"] == "subtitle":
        what = f"{readable.clock(hit['start'] or 0)} {hit.get('lang') or ''}".rstrip()  # the second it is in
    elif hit["kind"] == "comment":
        what = f"comment {hit['comment_id']}" + (" (removed upstream)" if hit.get("removed_upstream") else "")
    else:
        what = hit["kind"]
    return output.printable(f"{where}  {what}: {plain(hit['snippet'])}")


def cmd_search(args, client: Client) -> int:
    params = {"q": " ".join(args.query), "page": args.page}
    if args.channel:
        params["channel"] = args.channel
    if args.kind:
        params["kind"] = args.kind
    body = client.get("/api/search/", **params)
    if args.json:
        _out(output.as_json(body))
        return 0
    for hit in body["results"]:
        _out(line(hit))
    shown = len(body["results"])
    more = f"; more with --page {args.page + 1}" if body.get("next") else ""
    plus = "" if body.get("count_exact", True) else "+"
    _out(f"{body['count']}{plus} hit{'' if body['count'] == 1 else 's'}" + (f", {shown} shown{more}" if shown else ""))
    return 0


COMMANDS = {"search": cmd_search}
