"""The search index's rebuild on the maintenance lane, one slice per run under a lease (channels_app.slices)."""
from celery import shared_task

from archiver import task_names


@shared_task(name=task_names.REINDEX_SEARCH, acks_late=True, ignore_result=True)
def reindex_search(restart: bool = False) -> dict:
    """``manage.py reindex --queue``: rebuild the index from the catalog, resuming where the last slice stopped."""
    from channels_app.slices import run_slice
    from search_app import reindex

    return run_slice("reindex-search", lambda should_stop: reindex.run(should_stop, restart=restart),
                     lambda rest: reindex_search.apply_async(kwargs=rest, retry=True))
