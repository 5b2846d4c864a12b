"""``ytarchive login|logout|tokens [--revoke ID]``: the user's API tokens, through /api/auth/.

The server keeps only digests, so a token is named by its id (the key's first characters) and
its dates; a key is printed by ``ytarchive login`` alone, into the 0600 token file.
"""
from __future__ import annotations

import getpass
import sys

from ytarchive_cli import config, output
from ytarchive_cli.client import EXIT_USAGE, Client, CliError
from ytarchive_cli.output import say as _out

NOT_LOGGED_IN = "not logged in: run `ytarchive login` or set YTARCHIVE_TOKEN"


def add_parsers(sub, common) -> None:
    p = sub.add_parser("login", parents=[common], help="get a token and save it (0600)")
    p.add_argument("--username", "-u")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("logout", parents=[common], help="revoke the saved token on the server and delete its file")
    p = sub.add_parser("tokens", parents=[common], help="your API tokens (id, created, expires); revoke one")
    p.add_argument("--revoke", metavar="ID", help="revoke the token with this id (from `ytarchive tokens`)")


def _need_token(client: Client) -> None:
    if not client.token:
        raise CliError(NOT_LOGGED_IN, EXIT_USAGE)


def cmd_logout(args, client: Client) -> int:
    """Revoke on the server first; the file goes when the server took it back or no longer knew it."""
    _need_token(client)
    saved = config.load().get("token") == client.token
    try:
        client.call("POST", "/api/auth/logout/")
        note = "token revoked"
    except CliError as exc:
        if not str(exc).startswith(("Invalid token", "Token expired")):
            raise
        note = "the server no longer knew this token"
    path = config.forget() if saved else None
    if args.json:
        _out(output.as_json({"url": client.url, "revoked": note == "token revoked",
                             "token_file_deleted": str(path) if path else None}))
    else:
        _out(f"logged out of {client.url}: {note}" + (f"; deleted {path}" if path else ""))
    return 0


def cmd_tokens(args, client: Client) -> int:
    _need_token(client)
    if args.revoke:
        client.call("DELETE", f"/api/auth/tokens/{args.revoke}/")
        _out(output.as_json({"revoked": args.revoke}) if args.json else f"revoked token {args.revoke}")
        return 0
    tokens = client.get("/api/auth/tokens/")
    if args.json:
        _out(output.as_json(tokens))
        return 0
    rows = [[t["id"] + (" (this one)" if t.get("current") else ""), output.when(t.get("created")),
             output.when(t.get("expiry"))] for t in tokens]
    _out(output.table(rows, ["ID", "CREATED", "EXPIRES"]) if rows else "no tokens")
    return 0


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


COMMANDS = {"login": cmd_login, "logout": cmd_logout, "tokens": cmd_tokens}
