"""The search index: FTS5 tables and their triggers under SQLite, a tsvector table with a GIN index and its
triggers under PostgreSQL (search_app.sqlite_fts, search_app.postgres_fts), and the rebuild's bookkeeping.

Rows already in the catalog are indexed here, at once (about 17 s for two million lines under SQLite): an
external-content FTS5 index must hold every row its triggers may later be told to forget."""
from django.db import migrations, models


def _backend(schema_editor):
    from search_app import postgres_fts, sqlite_fts

    return postgres_fts if schema_editor.connection.vendor == "postgresql" else sqlite_fts


def create_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        _backend(schema_editor).ensure(cursor)


def drop_index(apps, schema_editor):
    for statement in _backend(schema_editor).drop_statements():
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("channels_app", "0019_library_page_indexes"),
        ("text_app", "0001_cues_and_comments"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReindexRun",
            fields=[
                ("name", models.CharField(default="search", max_length=32, primary_key=True, serialize=False)),
                ("step", models.PositiveIntegerField(default=0, help_text="Which source table the rebuild is at.")),
                ("after", models.BigIntegerField(default=0, help_text="The last row id done in that table.")),
                ("upto", models.JSONField(default=list, help_text="Each source table's last id when the rebuild began.")),
                ("rows", models.BigIntegerField(default=0, help_text="Rows indexed so far.")),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(create_index, drop_index),
    ]
