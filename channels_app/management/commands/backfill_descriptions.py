"""``manage.py backfill_descriptions``: store on each archived video the description its info.json holds.

Once, after upgrading to a release that stores descriptions with the outcome (channels_app.description_backfill):
feeds and pages read the row only. Safe to run again (it looks only at archived videos without one).
"""
from __future__ import annotations

from django.core.management.base import BaseCommand

from channels_app.description_backfill import backfill


class Command(BaseCommand):
    help = "Fill in archived videos' descriptions from their video.info.json, once (feeds read the database only)."

    def handle(self, *args, **options):
        seen, filled = backfill()
        self.stdout.write(f"{seen} archived video(s) had no description; {filled} filled in from info.json.")
