"""DRF's plain-text tokens become knox digests on migrate: the same key keeps working, the table is gone."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

OLD_KEY = "0123456789abcdef0123456789abcdef01234567"  # a DRF key: 40 hex characters
MIGRATION = ("tokens_app", "0001_hash_drf_tokens")


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_an_old_drf_key_keeps_working_and_is_no_longer_stored(latest_schema_after):
    user = User.objects.create_user("old-cli-user", password="pw-old-12345")
    migrate(("tokens_app", None))
    created = timezone.now() - timezone.timedelta(days=400)
    with connection.cursor() as cursor:  # DRF's table as rest_framework.authtoken left it
        cursor.execute('CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, '
                       "created timestamp with time zone NOT NULL, user_id integer NOT NULL)")
        cursor.execute('INSERT INTO authtoken_token ("key", created, user_id) VALUES (%s, %s, %s)',
                       [OLD_KEY, created, user.pk])
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                       ["authtoken", "0001_initial", timezone.now()])
    migrate(MIGRATION)
    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", ["authtoken"])
        assert cursor.fetchone()[0] == 0
    token = AuthToken.objects.get(user=user)
    assert token.digest != OLD_KEY and OLD_KEY not in token.digest and token.token_key == OLD_KEY[:15]
    assert abs((token.created - created).total_seconds()) < 1  # its age is kept
    assert token.expiry > timezone.now() + timezone.timedelta(days=89)  # the TTL counts from the upgrade
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/channels/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_database_that_never_had_drf_tokens_migrates_as_is(latest_schema_after):
    migrate(("tokens_app", None))
    migrate(MIGRATION)
    assert AuthToken.objects.count() == 0
