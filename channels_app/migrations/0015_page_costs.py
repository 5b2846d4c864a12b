"""Issue 21, item 6: pages that cost O(page).

* ``StatusCount``: per channel, status and failure kind, how many videos and their bytes; kept by
  triggers on the video table (below, one set per database), so every write moves the counts in its own
  transaction; filled here from the videos that exist.
* ``Video.view_series``: the bounded series of view counts (channels_app.view_series).
* An index for every ORDER BY a page uses, and one on ``VideoChange.at`` for the history's prune.
"""
from django.db import migrations, models

_COUNTS = "channels_app_statuscount"
_KEY = "(channel_id, status, failure_kind)"
_FILL = (f"INSERT INTO {_COUNTS} (channel_id, status, failure_kind, videos, bytes) "
         "SELECT channel_id, status, failure_kind, COUNT(*), COALESCE(SUM(size_bytes), 0) "
         "FROM downloads_app_video GROUP BY channel_id, status, failure_kind")
_MOVED = ("OLD.status IS NOT NEW.status OR OLD.failure_kind IS NOT NEW.failure_kind "
          "OR OLD.channel_id IS NOT NEW.channel_id OR OLD.size_bytes IS NOT NEW.size_bytes")


def _add(row: str) -> str:
    return (f"INSERT INTO {_COUNTS} (channel_id, status, failure_kind, videos, bytes) "
            f"VALUES ({row}.channel_id, {row}.status, {row}.failure_kind, 1, COALESCE({row}.size_bytes, 0)) "
            f"ON CONFLICT {_KEY} DO UPDATE SET videos = {_COUNTS}.videos + 1, "
            f"bytes = {_COUNTS}.bytes + excluded.bytes;")


def _take(row: str) -> str:
    return (f"UPDATE {_COUNTS} SET videos = videos - 1, bytes = bytes - COALESCE({row}.size_bytes, 0) "
            f"WHERE channel_id = {row}.channel_id AND status = {row}.status "
            f"AND failure_kind = {row}.failure_kind;")


SQLITE = [
    f"CREATE TRIGGER video_counts_insert AFTER INSERT ON downloads_app_video BEGIN {_add('NEW')} END;",
    f"CREATE TRIGGER video_counts_delete AFTER DELETE ON downloads_app_video BEGIN {_take('OLD')} END;",
    "CREATE TRIGGER video_counts_update AFTER UPDATE OF status, failure_kind, channel_id, size_bytes "
    f"ON downloads_app_video WHEN {_MOVED} BEGIN {_take('OLD')} {_add('NEW')} END;",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS video_counts_{op};" for op in ("insert", "delete", "update")]

# PostgreSQL: one function; an update takes from and adds to two rows in the order of their keys, so two
# videos moving the opposite way at once (queued -> failed, failed -> queued) lock them in the same order.
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION ytarchive_video_counts() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    {_take('OLD')}
  ELSIF TG_OP = 'INSERT' THEN
    {_add('NEW')}
  ELSIF (OLD.channel_id, OLD.status, OLD.failure_kind) < (NEW.channel_id, NEW.status, NEW.failure_kind) THEN
    {_take('OLD')}
    {_add('NEW')}
  ELSE
    {_add('NEW')}
    {_take('OLD')}
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER video_counts_insert_delete AFTER INSERT OR DELETE ON downloads_app_video "
    "FOR EACH ROW EXECUTE FUNCTION ytarchive_video_counts();",
    "CREATE TRIGGER video_counts_update AFTER UPDATE OF status, failure_kind, channel_id, size_bytes "
    "ON downloads_app_video FOR EACH ROW WHEN ("
    + _MOVED.replace("IS NOT", "IS DISTINCT FROM") + ") EXECUTE FUNCTION ytarchive_video_counts();",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS video_counts_insert_delete ON downloads_app_video;",
                 "DROP TRIGGER IF EXISTS video_counts_update ON downloads_app_video;",
                 "DROP FUNCTION IF EXISTS ytarchive_video_counts();"]


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"ytarchive keeps its video counts with triggers for SQLite and PostgreSQL, not {vendor}")
    for sql in (SQLITE if vendor == "sqlite" else POSTGRES) + [_FILL]:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('channels_app', '0014_channel_extractor_args'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatusCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel_id', models.CharField(max_length=64)),
                ('status', models.CharField(max_length=16)),
                ('failure_kind', models.CharField(blank=True, default='', max_length=16)),
                ('videos', models.BigIntegerField(default=0)),
                ('bytes', models.BigIntegerField(default=0, help_text="Sum of the videos' size_bytes.")),
            ],
        ),
        migrations.AddField(
            model_name='video',
            name='view_series',
            field=models.JSONField(blank=True, default=list, help_text="[[unix seconds, views], ...] oldest first, at most YTARCHIVE_VIEW_SERIES_POINTS points (channels_app.view_series thins it): the counts' history, never a row per sync."),
        ),
        migrations.AddIndex(
            model_name='video',
            index=models.Index(fields=['channel', 'upload_date', 'id'], name='video_channel_page_idx'),
        ),
        migrations.AddIndex(
            model_name='video',
            index=models.Index(fields=['channel', 'status', 'upload_date', 'id'], name='video_channel_status_page_idx'),
        ),
        migrations.AddIndex(
            model_name='video',
            index=models.Index(fields=['upload_date', 'id'], name='video_catalog_page_idx'),
        ),
        migrations.AddIndex(
            model_name='video',
            index=models.Index(fields=['status', 'failure_kind', 'updated_at'], name='video_dead_letters_idx'),
        ),
        migrations.AddIndex(
            model_name='videochange',
            index=models.Index(fields=['at'], name='videochange_prune_idx'),
        ),
        migrations.AddConstraint(
            model_name='statuscount',
            constraint=models.UniqueConstraint(fields=('channel_id', 'status', 'failure_kind'), name='one_count_per_channel_status'),
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
