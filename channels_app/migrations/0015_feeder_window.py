"""Issue 21, item 5: the database holds the backlog, Redis a window (downloads_app.feeder)."""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce, Now


def in_window_already(apps, schema_editor):
    """Videos queued before the feeder have their message in Redis already: count them in the window,
    so the feeder sends them no second one (a lost one is taken back by the reconciler)."""
    Video = apps.get_model("channels_app", "Video")
    Video.objects.filter(status="queued").update(fed_at=Coalesce(F("queued_at"), Now()))


class Migration(migrations.Migration):

    dependencies = [
        ('channels_app', '0014_channel_extractor_args'),
    ]

    operations = [
        migrations.AddField(
            model_name='channel',
            name='download_order',
            field=models.CharField(blank=True, choices=[('newest', 'newest'), ('oldest', 'oldest')], help_text='Which of its waiting videos download first: newest (empty: the default) or oldest.', max_length=8),
        ),
        migrations.AddField(
            model_name='video',
            name='fed_at',
            field=models.DateTimeField(blank=True, help_text='When its download message was sent (null: waiting in the database).', null=True),
        ),
        migrations.AddIndex(
            model_name='video',
            index=models.Index(fields=['status', 'fed_at', '-upload_date', 'id'], name='video_feed_order_idx'),
        ),
        migrations.RunPython(in_window_already, migrations.RunPython.noop),
    ]
