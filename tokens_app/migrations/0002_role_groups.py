"""The three roles (tokens_app.roles) as Django groups: owner, editor, viewer. Accounts are not moved: a
superuser is an owner and a staff account without a group an editor, as before roles existed."""
from django.db import migrations

ROLES = ("owner", "editor", "viewer")


def create(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("tokens_app", "0001_hash_drf_tokens"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create, remove)]
