"""On PostgreSQL, a trigram index on firm names, so that a name search over a million firms does
not read every row. pg_trgm treats Chinese characters as word characters, so "星际飞船" finds its
firms through the index; a search of fewer than 3 characters still reads the table, stopping at
the first page of matches.

Not in the model's Meta: SQLite has no such index, and the model state stays the same on both.
Where the database account may not create the (trusted) pg_trgm extension, the index is skipped
with a warning rather than failing the migration: searches are then slower, not wrong.
"""

import sys

from django.db import DatabaseError, migrations, transaction

INDEX = "firm_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        sys.stderr.write(f"\n  pg_trgm unavailable, firm name search stays unindexed: {exc}\n")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON inspections_firm USING gin (name gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_load_jilin_regions_and_industries"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
