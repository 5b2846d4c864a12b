"""The video model now belongs to channels_app (the catalog); its table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('downloads_app', '0001_initial'),
        ('channels_app', '0002_adopt_video'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='Video')],
        ),
    ]
