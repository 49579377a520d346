"""Officers' ID numbers and phones encrypted at rest, step 2 of 4: every officer's number and
phone are encrypted (SM4-GCM) into the new columns and the number indexed (HMAC-SM3), 500
officers per transaction.

Not atomic, and resumable: each batch commits, and a run that stops part-way (a lost
connection, a missing key) continues where it stopped, since it picks the officers whose index
is still empty. Reads go on meanwhile from the plain columns, which stay until step 3. The keys
come from the environment or the key files (backend.crypto.keys), never from the database.
"""

from django.db import migrations, transaction

from backend.crypto.fields import blind_index

CITIZEN_ID_PURPOSE = "personnel.officer.citizen_id"
BATCH = 500


def encrypt(apps, schema_editor):
    Officer = apps.get_model("personnel", "Officer")
    officers = Officer.objects.using(schema_editor.connection.alias)
    while True:
        with transaction.atomic(using=schema_editor.connection.alias):
            batch = list(
                officers.select_for_update()
                .filter(citizen_id_index__isnull=True)
                .order_by("pk")
                .only("pk", "citizen_id", "phone")[:BATCH]
            )
            if not batch:
                return
            for officer in batch:
                officer.citizen_id_sealed = officer.citizen_id
                officer.phone_sealed = officer.phone
                officer.citizen_id_index = blind_index(
                    officer.citizen_id, purpose=CITIZEN_ID_PURPOSE
                )
            officers.bulk_update(batch, ["citizen_id_sealed", "phone_sealed", "citizen_id_index"])


def decrypt(apps, schema_editor):
    # Back to the plain columns (restored by reversing step 3), for a migration backwards.
    Officer = apps.get_model("personnel", "Officer")
    officers = Officer.objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        with transaction.atomic(using=schema_editor.connection.alias):
            batch = list(officers.filter(pk__gt=last).order_by("pk")[:BATCH])
            if not batch:
                return
            for officer in batch:
                officer.citizen_id = officer.citizen_id_sealed
                officer.phone = officer.phone_sealed
            officers.bulk_update(batch, ["citizen_id", "phone"])
            last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("personnel", "0007_officer_encrypted_columns_added")]

    operations = [migrations.RunPython(encrypt, decrypt, atomic=False)]
