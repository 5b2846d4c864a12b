"""Running totals for /metrics, kept in the database beside the facts they count.

Each is changed in the transaction that records its fact, so a counter equals
what the database says happened, survives any restart, and reads the same from
every web process. Scrapes read one small table; nothing walks the archive.
They live in the catalog because storage is the catalog's (a channel's files)
and the download side already depends on it, never the other way round.
"""
from __future__ import annotations

import bisect

from django.db import IntegrityError, transaction
from django.db.models import F

from channels_app.models import Tally

# Download times: seconds for a short clip up to two hours for a long stream.
DURATION_BUCKETS = (1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)
STORAGE = "storage_bytes"


def downloads_name(status: str) -> str:
    return f"downloads_total:{status}"


def bucket_name(status: str, seconds: float) -> str:
    i = bisect.bisect_left(DURATION_BUCKETS, seconds)
    return f"duration_bucket:{status}:{DURATION_BUCKETS[i] if i < len(DURATION_BUCKETS) else '+Inf'}"


def add(name: str, amount: float) -> None:
    if Tally.objects.filter(name=name).update(value=F("value") + amount):
        return
    try:
        with transaction.atomic():
            Tally.objects.create(name=name, value=amount)
    except IntegrityError:  # created meanwhile by another process
        Tally.objects.filter(name=name).update(value=F("value") + amount)


def record_download(status: str, seconds: float, disk_bytes: int = 0) -> None:
    """One applied outcome: its count, its time in the histogram, and the bytes it added."""
    add(downloads_name(status), 1)
    add(bucket_name(status, seconds), 1)
    add(f"duration_sum:{status}", seconds)
    if disk_bytes:
        add(STORAGE, disk_bytes)


def add_storage(delta: int) -> None:
    if delta:
        add(STORAGE, delta)


def snapshot() -> dict[str, float]:
    return dict(Tally.objects.values_list("name", "value"))


def set_value(name: str, value: float) -> None:
    Tally.objects.update_or_create(name=name, defaults={"value": value})
