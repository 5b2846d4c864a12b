"""``ytarchive COMMAND``: add, list, sync, watch, browse, search, retry and mark watched through the REST API.

Exit codes: 0 done, 1 the server refused (its message is printed), 2 bad
usage or not logged in, 3 the server could not be reached, 130 interrupted.
Every error is one line on stderr, never a traceback. Each group of commands
is a module of its own (its parsers and its ``COMMANDS``); this one puts them together.
"""
from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version

from ytarchive_cli import (
    channel_commands,
    config,
    output,
    playlist_commands,
    search_commands,
    site_commands,
    token_commands,
    video_commands,
    watch_commands,
)
from ytarchive_cli.client import EXIT_USAGE, Client, CliError

GROUPS = (token_commands, channel_commands, video_commands, watch_commands, search_commands, site_commands,
          playlist_commands)
COMMANDS = {name: command for group in GROUPS for name, command in group.COMMANDS.items()}


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
    parser = _Parser(prog="ytarchive", description="Archive whole video channels: the ytarchive command line.",
                     parents=[_common(defaults=True)])
    parser.add_argument("--version", action="version", version=f"ytarchive {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    common = _common(defaults=False)
    for group in GROUPS:
        group.add_parsers(sub, common)
    return parser


def _version() -> str:
    try:
        return version("ytarchive")
    except PackageNotFoundError:
        return "unknown"


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
