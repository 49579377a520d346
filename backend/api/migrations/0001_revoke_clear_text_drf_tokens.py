"""Revoke every API token of DRF's authtoken app, which kept each token's key in clear.

The project now issues django-rest-knox tokens (a SHA-512 digest, an expiry; docs/security.md).
The old table is dropped with what it held: a token in clear is a password in clear, and none of
it may survive in the database or its backups to come. Owners create new tokens (the same
endpoint, or their profile page). The table belonged to an app that is no longer installed, so
the migration reaches it by name; on a database created after the change it does not exist and
nothing happens.
"""

from django.db import migrations

OLD_TABLE = "authtoken_token"


def drop_clear_text_tokens(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if OLD_TABLE not in connection.introspection.table_names(cursor):
            return
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")
        # Forget that the app's migrations ran, so that reinstalling it would recreate its
        # (empty) table instead of finding none.
        schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(drop_clear_text_tokens, migrations.RunPython.noop)]
