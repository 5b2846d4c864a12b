"""The catalog takes over the video table that downloads_app created (state only: no data moves)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('channels_app', '0001_initial'),
        ('downloads_app', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Video',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('video_id', models.CharField(help_text="Path-safe id: the video's folder name.", max_length=64)),
                        ('raw_id', models.CharField(max_length=500)),
                        ('url', models.CharField(max_length=2000)),
                        ('title', models.CharField(blank=True, max_length=1000)),
                        ('tab', models.CharField(blank=True, max_length=32)),
                        ('duration', models.FloatField(blank=True, null=True)),
                        ('upload_date', models.CharField(blank=True, max_length=8)),
                        ('status', models.CharField(choices=[('new', 'New'), ('queued', 'Queued'), ('archived', 'Archived'), ('failed', 'Failed')], default='new', max_length=16)),
                        ('failure_kind', models.CharField(blank=True, choices=[('', 'None'), ('permanent', 'Permanent'), ('transient', 'Transient')], default='', max_length=16)),
                        ('last_error', models.TextField(blank=True)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('video_file', models.CharField(blank=True, max_length=64)),
                        ('size_bytes', models.BigIntegerField(blank=True, null=True)),
                        ('subtitles', models.JSONField(blank=True, default=list)),
                        ('first_seen_at', models.DateTimeField(auto_now_add=True)),
                        ('queued_at', models.DateTimeField(blank=True, null=True)),
                        ('archived_at', models.DateTimeField(blank=True, null=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('channel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='videos', to='channels_app.channel')),
                    ],
                    options={
                        'db_table': 'downloads_app_video',
                        'ordering': ['-upload_date', '-id'],
                        'indexes': [models.Index(fields=['channel', 'status'], name='downloads_a_channel_2d23fe_idx')],
                        'constraints': [models.UniqueConstraint(fields=('channel', 'video_id'), name='unique_video_per_channel')],
                    },
                ),
            ],
        ),
    ]
