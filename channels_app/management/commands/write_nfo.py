"""``manage.py write_nfo [CHANNEL ...] [--overwrite]``: video.nfo for videos archived before, tvshow.nfo, poster."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from channels_app.media_server import write_nfo_files
from channels_app.models import Channel


class Command(BaseCommand):
    help = "Write the media-server files (video.nfo, tvshow.nfo, poster.jpg) missing from the archive."

    def add_arguments(self, parser):
        parser.add_argument("channels", nargs="*", help="channel ids (default: every channel)")
        parser.add_argument("--overwrite", action="store_true", help="rewrite NFO files that exist")

    def handle(self, *args, **options):
        channels = Channel.objects.all()
        if options["channels"]:
            channels = channels.filter(pk__in=options["channels"])
            unknown = set(options["channels"]) - set(channels.values_list("pk", flat=True))
            if unknown:
                raise CommandError(f"no such channel: {', '.join(sorted(unknown))}")
        for channel in channels:
            counts = write_nfo_files(channel, options["overwrite"])
            self.stdout.write(f"{channel.id}: {counts['written']} written, {counts['skipped']} skipped")
