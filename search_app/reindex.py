"""Rebuilding the search index from the catalog's rows, in slices that resume where the last one stopped.

The triggers keep the index exact as rows change; a rebuild is for an archive that had rows before this
app was installed, or an index one wants to start again (a changed tokenizer, a damaged file). It forgets
everything once, then learns each source table in id order, SLICE_ROWS rows per transaction, writing its
place (search_app.models.ReindexRun) in the same transaction: stopped anywhere (a deadline, a kill), the next
run goes on from there. Rows written after it began were indexed by the triggers, so it stops at each
table's last id of that moment.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from search_app import engine
from search_app.models import ReindexRun

log = logging.getLogger(__name__)
SLICE_ROWS = 20_000


def run(should_stop: Callable[[], bool] = lambda: False, restart: bool = False,
        slice_rows: int = SLICE_ROWS) -> tuple[dict, dict | None]:
    """Work until done or ``should_stop()``; (what was done, the kwargs of the next run, or None when done)."""
    backend = engine.backend()
    with transaction.atomic():
        state, _ = ReindexRun.objects.select_for_update().get_or_create(name="search")
        if restart or state.finished_at is not None or not state.upto:
            _start(state, backend)
    done = 0
    while state.step < len(backend.SOURCE_TABLES) and not should_stop():
        with transaction.atomic(), connection.cursor() as cursor:
            last = backend.rebuild_slice(cursor, state.step, state.after, state.upto[state.step], slice_rows)
            if last is None:
                state.step, state.after = state.step + 1, 0
            else:
                done += 1
                state.rows += _rows_between(backend.SOURCE_TABLES[state.step], state.after, last, cursor)
                state.after = last
            state.save(update_fields=["step", "after", "rows"])
    if state.step < len(backend.SOURCE_TABLES):
        log.info("reindex: %s slice(s) done, at table %s after id %s; the rest in the next run",
                 done, backend.SOURCE_TABLES[state.step], state.after)
        return {"slices": done, "rows": state.rows, "finished": False}, {}
    with transaction.atomic(), connection.cursor() as cursor:
        orphans = backend.rebuild_finish(cursor)
        state.finished_at = timezone.now()
        state.save(update_fields=["finished_at"])
    log.info("reindex finished: %s rows indexed (%s orphan entries dropped)", state.rows, orphans)
    return {"slices": done, "rows": state.rows, "finished": True}, None


def _start(state: ReindexRun, backend) -> None:
    with connection.cursor() as cursor:
        backend.rebuild_start(cursor)
        upto = []
        for table in backend.SOURCE_TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            upto.append(cursor.fetchone()[0])
    state.step, state.after, state.upto, state.rows = 0, 0, upto, 0
    state.started_at, state.finished_at = timezone.now(), None
    state.save()
    log.info("reindex started: up to ids %s of %s", upto, ", ".join(backend.SOURCE_TABLES))


def _rows_between(table: str, after: int, last: int, cursor) -> int:
    cursor.execute(f"SELECT count(*) FROM {table} WHERE id > %s AND id <= %s", [after, last])
    return cursor.fetchone()[0]


def status() -> ReindexRun | None:
    return ReindexRun.objects.filter(name="search").first()
