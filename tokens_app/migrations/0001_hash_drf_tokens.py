"""Move DRF's plain-text tokens into knox's table as digests, then drop DRF's table.

A DRF key is 40 hex characters; knox finds a token by the key's first 15 characters and compares
SHA-512 digests, so storing ``hash_token(key)`` keeps every existing key working (the CLI's saved
token too) while the database no longer holds it. Converted tokens expire YTARCHIVE_TOKEN_TTL_DAYS
after this migration (0: never). ``rest_framework.authtoken`` is no longer installed, so its table is
read and dropped by name, and its migration records are removed (a fresh database never had it).
"""
from __future__ import annotations

import datetime
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

DRF_TABLE = "authtoken_token"


def _aware(created):
    """A raw SELECT gives SQLite's text or a datetime; DRF wrote UTC either way."""
    when = parse_datetime(created) if isinstance(created, str) else created
    if when is None:
        return timezone.now()
    return timezone.make_aware(when, datetime.timezone.utc) if timezone.is_naive(when) else when


def convert(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    connection = schema_editor.connection
    if DRF_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    days = settings.TOKEN_TTL_DAYS
    expiry = timezone.now() + timedelta(days=days) if days else None
    quoted = schema_editor.quote_name(DRF_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {schema_editor.quote_name('key')}, user_id, created FROM {quoted}")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = AuthToken.objects.create(digest=hash_token(key), token_key=key[:CONSTANTS.TOKEN_KEY_LENGTH],
                                         user_id=user_id, expiry=expiry)
        AuthToken.objects.filter(pk=token.pk).update(created=_aware(created))  # auto_now_add ignores a given value
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {quoted}")
        cursor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [
        ("knox", "0009_extend_authtoken_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
