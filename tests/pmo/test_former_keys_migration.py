"""Keys issued in clear before API tokens were hashed keep working, and are no longer kept in
clear anywhere in the database."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from pmo.models import ApiToken, TokenScope

migration = importlib.import_module("pmo.migrations.0004_hash_former_plaintext_keys")
FORMER_KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def former_table(pm_user):
    """The table of plaintext keys as it was, holding one key of ``pm_user``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now(), %s)", [FORMER_KEY, pm_user.pk]
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("former_table")
def test_a_former_key_becomes_a_hashed_personal_token_that_still_authenticates(pm_user):
    with connection.schema_editor() as editor:
        migration.hash_former_keys(apps, editor)

    token = ApiToken.objects.get(user=pm_user)
    assert token.kind == ApiToken.Kind.PERSONAL
    assert set(token.scopes) == set(TokenScope.values)
    assert FORMER_KEY not in {token.key_hash, token.prefix}
    assert "authtoken_token" not in connection.introspection.table_names()

    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {FORMER_KEY}")
    assert client.get("/api/v1/projects/").status_code == 200


@pytest.mark.django_db
def test_without_the_former_table_nothing_happens():
    with connection.schema_editor() as editor:
        migration.hash_former_keys(apps, editor)

    assert not ApiToken.objects.exists()
