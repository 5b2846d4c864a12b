"""``manage.py read_words``: the cues and comments of videos archived before they were read into the catalog
(text_app.backfill); resumable with ``--after PK`` (each slice prints the last pk done)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from channels_app.models import Channel
from text_app.backfill import read_archived


class Command(BaseCommand):
    help = ("Read the subtitle files and comments.json of archived videos into the catalog (cues, comments), "
            "a slice at a time; --after PK goes on where a stopped run ended.")

    def add_arguments(self, parser):
        parser.add_argument("--after", type=int, default=0, metavar="PK", help="start past this video pk")
        parser.add_argument("--channel", default="", help="only this channel's videos (its id)")
        parser.add_argument("--limit", type=int, default=0, metavar="N", help="at most N videos (0: all)")

    def handle(self, *args, after: int, channel: str, limit: int, **options):
        if after < 0 or limit < 0:
            raise CommandError("--after and --limit take a number of 0 or more")
        if channel and not Channel.objects.filter(pk=channel).exists():
            raise CommandError(f"no channel {channel!r}")
        done, last = read_archived(after, channel, limit,
                                   on_slice=lambda n, pk: self.stdout.write(f"{n} video(s) read, up to pk {pk}"))
        self.stdout.write(f"{done} archived video(s) read; the last pk read is {last} (go on with --after {last}).")
