"""The search index's own bookkeeping: where a rebuild (``manage.py reindex``) is, so it resumes.

The index itself is not a Django model: it is an FTS5 virtual table (SQLite) or a tsvector table
(PostgreSQL) created by this app's migration (search_app.sqlite_fts, search_app.postgres_fts).
"""
from django.db import models


class ReindexRun(models.Model):
    """The one rebuild of the index: the source table it is at, the last row id done there, and the last id
    of each source when it began (rows written since, the triggers indexed)."""

    name = models.CharField(max_length=32, primary_key=True, default="search")
    step = models.PositiveIntegerField(default=0, help_text="Which source table the rebuild is at.")
    after = models.BigIntegerField(default=0, help_text="The last row id done in that table.")
    upto = models.JSONField(default=list, help_text="Each source table's last id when the rebuild began.")
    rows = models.BigIntegerField(default=0, help_text="Rows indexed so far.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"reindex step {self.step} after id {self.after} ({'done' if self.finished_at else 'running'})"
