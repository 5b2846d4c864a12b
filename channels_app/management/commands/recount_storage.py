"""``manage.py recount_storage``: measure the archive once and set the storage total to what is there.

The total behind ``ytarchive_storage_bytes`` moves as videos land and channels
are deleted; files changed by hand (or an archive from before the total
existed, which starts from the videos' sizes) drift from it. This walks the
whole tree once, so run it when that matters, not on a schedule.
"""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from archiver import tree
from channels_app import tallies
from channels_app.models import Channel


class Command(BaseCommand):
    help = "Walk the archive once and set the storage total (ytarchive_storage_bytes) to what du would say."

    def handle(self, *args, **options):
        root = settings.ARCHIVE_ROOT
        total = sum(tree.disk_usage(entry) for entry in tree.channel_entries(root))  # not .ytarchive/
        with transaction.atomic():
            before = tallies.snapshot().get(tallies.STORAGE, 0.0)
            tallies.set_value(tallies.STORAGE, total)
            for channel_id in Channel.objects.values_list("id", flat=True):
                Channel.objects.filter(pk=channel_id).update(
                    own_disk_bytes=tree.channel_own_disk_usage(root, channel_id))
        self.stdout.write(f"storage: {total} bytes under {root} (was {before:.0f})")
