"""Finer statistics on the firm names searched by a part of the name (PostgreSQL only).

With the default 100 entries, PostgreSQL guesses that a rare four-character fragment such as
"星东光电" matches one name in a hundred, and reads the whole table backwards by id hoping to
find the newest fifty soon, instead of asking the trigram index: a third of a second for
seventeen rows. A thousand entries bring the guess close enough that the index is used
(benchmarks/bench_public_results.py); ten thousand make every plan slower to compute.
The directory's firm names (inspections) are searched the same way.
"""

from django.db import migrations

TARGET = 1000
COLUMNS = [("disclosure_publishedresult", "firm_name"), ("inspections_firm", "name")]


def finer_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS {TARGET}")
        schema_editor.execute(f"ANALYZE {table} ({column})")


def default_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_published_results_append_only_and_name_index"),
        ("inspections", "0008_draw_jobs_and_uncompressed_draw_files"),
    ]

    operations = [migrations.RunPython(finer_statistics, default_statistics)]
