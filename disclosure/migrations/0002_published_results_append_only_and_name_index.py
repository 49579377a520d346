"""Published results are final: on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE
on them and their items (a correction or a withdrawal is a new row). And a trigram index on
the firm names, so that a name search over a million results does not read every row (as
inspections migration 0003 does for the directory; skipped with a warning without pg_trgm).
"""

import sys

from django.db import DatabaseError, migrations, transaction

from backend.audit.dbguards import make_append_only

INDEX = "published_result_firm_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic():
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        sys.stderr.write(f"\n  pg_trgm unavailable, result name search stays unindexed: {exc}\n")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON disclosure_publishedresult "
        "USING gin (firm_name gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    # shuangsui_refuse_change() is created by the audit app's migration.
    dependencies = [
        ("audit", "0002_audit_event_append_only"),
        ("disclosure", "0001_published_results_and_deadlines"),
    ]

    operations = [
        make_append_only("disclosure_publishedresult"),
        make_append_only("disclosure_publishedresultitem"),
        migrations.RunPython(create_index, drop_index),
    ]
