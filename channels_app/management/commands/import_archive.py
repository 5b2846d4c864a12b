"""``manage.py import_archive PATH --channel URL``: ``ytarchive import`` run on the server itself, any folder.

PATH need not lie under YTARCHIVE_IMPORT_ROOT (whoever runs manage.py can read the server anyway), but
it is its own root: inside it, links, pipes, devices and shared hard links are refused and named,
exactly as for the API (archiver.confined).
"""
from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archiver.errors import UserError
from channels_app import services
from channels_app.importer import MODES, import_folder


class Command(BaseCommand):
    help = "Adopt a yt-dlp output folder (or the videos a --download-archive file names) into a channel."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--channel", required=True, help="the channel's URL (added if new) or its id")
        parser.add_argument("--download-archive", help="a yt-dlp --download-archive file: the videos to take")
        parser.add_argument("--mode", choices=MODES, default="link", help="link (default), copy or move")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        folder = Path(options["path"]).resolve()
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        try:
            channel = services.channel_for(options["channel"])
            archive = Path(os.path.abspath(options["download_archive"])) if options["download_archive"] else None
            result = import_folder(channel, folder, options["mode"], options["dry_run"], archive, root=folder)
        except UserError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would adopt" if options["dry_run"] else "adopted"
        self.stdout.write(f"{channel.id}: {verb} {len(result['adopted'])}, skipped {len(result['skipped'])}, "
                          f"refused {len(result['refused'])}")
        for item in result["skipped"]:
            self.stdout.write(f"  skipped: {item['video_id']}: {item['reason']}")
        for item in result["refused"]:
            self.stdout.write(f"  refused: {item['path']}: {item['reason']}")
        for note in result["notes"]:
            self.stdout.write(f"  note: {note}")
