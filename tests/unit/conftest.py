"""Fixtures the unit tests of the pages share."""
import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.fixture
def reader(db) -> Client:
    """A browser signed in as a person without roles (a viewer): what every page shows to anyone signed in.
    (test_api, test_api_tokens and test_web_pages keep their own ``reader``: a token client, a bare user.)"""
    User.objects.create_user("reader", password="pw-reader-12345")
    client = Client()
    assert client.login(username="reader", password="pw-reader-12345")
    return client
