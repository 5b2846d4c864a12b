from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_index(sender, using="default", **kwargs):
    """After every migrate: the index's tables and triggers exist (a later migration of channels_app or
    text_app that rebuilds their table under SQLite drops the triggers on it)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if not MigrationRecorder(connection).migration_qs.filter(app="search_app").exists():
        return  # not migrated yet (or migrated back): the migration creates them
    from search_app import engine

    with connection.cursor() as cursor:
        (engine.postgres_fts if connection.vendor == "postgresql" else engine.sqlite_fts).ensure(cursor)


class SearchAppConfig(AppConfig):
    name = "search_app"
    verbose_name = "Search (every word of titles, descriptions, subtitles and comments)"

    def ready(self):
        post_migrate.connect(_ensure_index, sender=self, dispatch_uid="search_app.ensure_index")
