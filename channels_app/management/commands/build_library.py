"""``manage.py build_library [--layout L] [--channel C]``: rebuild media-server library views from the archive.

Idempotent: what is in place stays, what is missing is linked, what the view made that the archive no
longer has (a removed video, an old title, a channel gone from the catalog or moved to another layout)
is removed; files the view did not make are never touched (archiver.library_view.builder).
"""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archiver.library_view import layouts
from archiver.library_view.builder import LibraryError
from channels_app import library_views
from channels_app.models import Channel

FOLDERS = (*layouts.SERVERS, layouts.CUSTOM_FOLDER)


class Command(BaseCommand):
    help = "Rebuild the media-server library views (YTARCHIVE_LIBRARY_ROOT) from the archive."

    def add_arguments(self, parser):
        parser.add_argument("--layout", choices=FOLDERS,
                            help="only the channels whose view is this one (custom: the template layouts)")
        parser.add_argument("--channel", action="append", default=[], metavar="CHANNEL",
                            help="only this channel (repeatable; default: every channel)")

    def handle(self, *args, **options):
        if settings.YTARCHIVE.get("LIBRARY_ROOT") is None:
            raise CommandError("library views are off: set YTARCHIVE_LIBRARY_ROOT (and YTARCHIVE_LIBRARY_LAYOUT "
                               "or a channel's library_layout)")
        channels = Channel.objects.order_by("id")
        if options["channel"]:
            channels = channels.filter(pk__in=options["channel"])
            unknown = set(options["channel"]) - set(channels.values_list("pk", flat=True))
            if unknown:
                raise CommandError(f"no such channel: {', '.join(sorted(unknown))}")
        wanted = options["layout"]
        built = 0
        for channel in channels.iterator():
            layout = library_views.layout_of(channel)
            if wanted and (layout is None or layout.folder != wanted):
                continue
            try:
                changes = library_views.rebuild(channel)
            except LibraryError as exc:
                raise CommandError(str(exc)) from exc
            if changes is None:
                continue
            built += 1
            self.stdout.write(f"{channel.id}: {layout.folder}: {changes.linked} linked, {changes.written} written, "
                              f"{changes.removed} removed, {changes.skipped} left alone (not the view's)")
        if not options["channel"]:  # channels the catalog no longer has
            known = set(Channel.objects.values_list("pk", flat=True))
            for view in library_views.every_view():
                if wanted and view.layout.folder != wanted:
                    continue
                for channel_id in view.channels():
                    if channel_id not in known:
                        changes = view.drop(channel_id)
                        self.stdout.write(f"{channel_id}: {view.layout.folder}: gone from the catalog, "
                                          f"{changes.removed} removed")
        self.stdout.write(f"{built} channel view(s) built")
