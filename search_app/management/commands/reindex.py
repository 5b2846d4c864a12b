"""``manage.py reindex``: rebuild the search index from the catalog's rows, resumably, in slices.

Here in this process (stopped, it resumes where it was on the next run), or ``--queue``d to the maintenance
lane, where each slice runs under a lease and sends the rest on (search_app.tasks)."""
from django.core.management.base import BaseCommand

from search_app import reindex


class Command(BaseCommand):
    help = "Rebuild the search index (titles, descriptions, subtitles, comments); resumes an unfinished rebuild."

    def add_arguments(self, parser):
        parser.add_argument("--restart", action="store_true", help="Start over, even if a rebuild is under way.")
        parser.add_argument("--queue", action="store_true", help="Send it to the maintenance lane instead.")
        parser.add_argument("--slice-rows", type=int, default=reindex.SLICE_ROWS,
                            help="Rows per transaction (default %(default)s).")

    def handle(self, restart=False, queue=False, slice_rows=reindex.SLICE_ROWS, **options):
        if queue:
            from search_app.tasks import reindex_search

            reindex_search.apply_async(kwargs={"restart": restart}, retry=True)
            self.stdout.write("reindex sent to the maintenance lane")
            return
        slice_rows = max(100, slice_rows)
        result, _rest = reindex.run(restart=restart, slice_rows=slice_rows)
        self.stdout.write(f"reindex finished: {result['rows']} rows indexed")
