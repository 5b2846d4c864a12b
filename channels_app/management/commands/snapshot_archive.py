"""``manage.py snapshot_archive``: a CSI VolumeSnapshot of the archive PVC, keeping the newest N.

The chart's snapshot CronJob runs it in-cluster (its own ServiceAccount may
only create, list and delete VolumeSnapshots). It touches no database.
"""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archiver.kube import ArchiveSnapshots, Refused


class Command(BaseCommand):
    help = "Snapshot the archive PVC (CSI VolumeSnapshot) and delete its snapshots beyond the newest --keep."

    def add_arguments(self, parser):
        parser.add_argument("--claim", required=True, help="The archive's PersistentVolumeClaim.")
        parser.add_argument("--class", dest="snapshot_class", default="", help="VolumeSnapshotClass name.")
        parser.add_argument("--keep", type=int, default=7, help="Snapshots to keep (newest first).")

    def handle(self, *args, **options):
        if options["keep"] < 1:
            raise CommandError("--keep must be 1 or more.")
        snapshots = ArchiveSnapshots(settings.YTARCHIVE["K8S_NAMESPACE"], options["claim"], options["snapshot_class"])
        try:
            name = snapshots.take()
            deleted = snapshots.prune(options["keep"])
        except Refused as exc:
            raise CommandError(f"Kubernetes refused: {exc}") from exc
        self.stdout.write(f"snapshot {name} requested; deleted {len(deleted)} older")
