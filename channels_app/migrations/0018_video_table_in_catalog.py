"""Issue 23: the video table is named for the app that owns it (``channels_app_video``), data kept.

It was ``downloads_app_video``, made before the catalog took the model over. The rename keeps every row,
index and the ``StatusCount`` triggers (SQLite rewrites them with the table; PostgreSQL's follow its oid).
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('channels_app', '0017_metrics_damaged_index'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='video',
            table=None,
        ),
    ]
