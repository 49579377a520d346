"""Officers' ID numbers and phones encrypted at rest, step 1 of 4: the encrypted columns and the
ID number's blind index are added beside the plain ones (empty, nullable: instant).

The plain ID number's unique constraint goes now, so that migrating back restores it after the
numbers are decrypted into their plain column again. Step 2 (0007) fills the new columns in
batches, step 3 (0008) drops the plain columns, step 4 (0009) scrubs their bytes from storage.
"""

from django.db import migrations

import backend.crypto.fields

CITIZEN_ID_PURPOSE = "personnel.officer.citizen_id"


class Migration(migrations.Migration):
    dependencies = [("personnel", "0006_department_moved_to_organisation")]

    operations = [
        migrations.AddField(
            model_name="officer",
            name="citizen_id_sealed",
            field=backend.crypto.fields.SealedCharField(
                default="",
                blank=True,
                max_length=18,
                purpose=CITIZEN_ID_PURPOSE,
                blind_index="citizen_id_index",
                verbose_name="公民身份号码",
            ),
        ),
        migrations.AddField(
            model_name="officer",
            name="phone_sealed",
            field=backend.crypto.fields.SealedCharField(
                default="",
                blank=True,
                max_length=20,
                purpose="personnel.officer.phone",
                verbose_name="联系电话",
            ),
        ),
        migrations.AddField(
            model_name="officer",
            name="citizen_id_index",
            field=backend.crypto.fields.BlindIndexField(
                null=True,
                source="citizen_id",
                purpose=CITIZEN_ID_PURPOSE,
                verbose_name="公民身份号码索引",
            ),
        ),
        migrations.RemoveConstraint(model_name="officer", name="officer_citizen_id_unique"),
    ]
