"""Officers' ID numbers and phones encrypted at rest, step 4 of 4: the dropped plain columns'
bytes are removed from the database files.

A dropped column is only forgotten, not erased: SQLite leaves the old pages on its free list
and in its write-ahead log, PostgreSQL keeps the values in every row until the row is
rewritten. So SQLite is vacuumed and its log truncated, and PostgreSQL's officer table is
rewritten (VACUUM FULL: a few seconds of lock on a table of thousands of rows). Backups and
PostgreSQL's archived WAL from before this migration still hold the plain numbers: see
docs/checkpoints-and-encryption.md.
"""

from django.db import migrations


def scrub(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            cursor.execute("VACUUM FULL personnel_officer")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("personnel", "0009_officer_plain_numbers_dropped")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop, atomic=False)]
