"""The metadata history's retention: changes older than YTARCHIVE_HISTORY_RETENTION_DAYS are deleted.

The history grows by changes only (channels_app.history) and view counts live on each video as a bounded
series (channels_app.view_series), so what is left to bound is the age of the changes. Beat runs
``prune`` daily (``channels_app.tasks.prune_history``, with ``expires``); it deletes in slices of
``SLICE`` rows, each its own short statement, so a first prune of years of history never holds the
database for long. A retention of 0 keeps every change for ever.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from channels_app.models import VideoChange

log = logging.getLogger(__name__)
SLICE = 5000


def prune(now=None, retention_days: int | None = None) -> int:
    """Delete the changes older than the retention; how many went."""
    days = settings.YTARCHIVE["HISTORY_RETENTION_DAYS"] if retention_days is None else retention_days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    removed = 0
    while True:
        ids = list(VideoChange.objects.filter(at__lt=cutoff).order_by("at").values_list("id", flat=True)[:SLICE])
        if not ids:
            break
        removed += VideoChange.objects.filter(id__in=ids).delete()[0]
    if removed:
        log.info("history: %s change(s) older than %s day(s) pruned", removed, days)
    return removed
