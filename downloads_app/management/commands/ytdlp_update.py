"""``manage.py ytdlp_update [VERSION] [--rollback]``: change the yt-dlp every new worker uses, now, here.

The same install, check and atomic switch as ``ytarchive ytdlp update`` (downloads_app.ytdlp_updates), run
in this process instead of on the control worker: for the chart's pinning Job (``config.ytdlpVersion``) and
for an operator at a shell. Exit status 1 when the version is refused (nothing switched).
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from archiver.errors import ConflictError, UserError
from archiver.vocabulary import JobStatus
from downloads_app import ytdlp_updates


class Command(BaseCommand):
    help = "Install, check and switch to a yt-dlp version (default: the newest stable), or roll back one."

    def add_arguments(self, parser):
        # Django's own --version is taken: the version is the one positional argument.
        parser.add_argument("ytdlp_version", nargs="?", default="", metavar="VERSION",
                            help="e.g. 2026.11.20 (default: the newest stable)")
        parser.add_argument("--rollback", action="store_true", help="go back to the version used before")

    def handle(self, *args, **options):
        if options["rollback"] and options["ytdlp_version"]:
            raise CommandError("give a VERSION or --rollback, not both")
        action = "rollback" if options["rollback"] else "update"
        try:
            result = ytdlp_updates.change_now(action, options["ytdlp_version"], who="manage.py ytdlp_update")
        except (UserError, ConflictError) as exc:
            raise CommandError(str(exc)) from exc
        if result["status"] != JobStatus.SUCCEEDED:
            raise CommandError(f"yt-dlp {action} refused: {result['message']}")
        self.stdout.write(result["message"])
