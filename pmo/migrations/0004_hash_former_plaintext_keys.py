"""Keys issued before API tokens were hashed (one plaintext key per person) go on working as
personal tokens, now stored as their SHA-256 only; the table holding them in clear is dropped,
so that no key is left readable in the database."""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone

FORMER_TABLE = "authtoken_token"
# What a personal token may do: everything its owner may (every scope).
EVERY_SCOPE = [
    "read",
    "write:actuals",
    "write:allocations",
    "write:capacity",
    "write:status",
    "write:raid",
    "write:reports",
]


def hash_former_keys(apps, schema_editor):
    connection = schema_editor.connection
    if FORMER_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("pmo", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {FORMER_TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    # They never expired: their holders get 90 days from now to take a new one.
    expires_at = timezone.now() + datetime.timedelta(days=90)
    for key, user_id in rows:
        ApiToken.objects.create(
            name="Key issued before hashed tokens",
            kind="personal",
            user_id=user_id,
            scopes=EVERY_SCOPE,
            # Former keys are 40 hex digits: their first 12 never collide with "plt_…".
            prefix=key[:12],
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            expires_at=expires_at,
        )
    schema_editor.execute(f"DROP TABLE {FORMER_TABLE}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", params=["authtoken"])


class Migration(migrations.Migration):
    dependencies = [("pmo", "0003_api_tokens")]

    operations = [migrations.RunPython(hash_former_keys, migrations.RunPython.noop)]
