"""Officers' ID numbers and phones encrypted at rest, step 3 of 4: the plain columns are dropped,
the encrypted ones take their names, and the number's uniqueness is held by its index."""

import django.core.validators
from django.db import migrations, models

import backend.crypto.fields
import personnel.validators

CITIZEN_ID_PURPOSE = "personnel.officer.citizen_id"


class Migration(migrations.Migration):
    dependencies = [("personnel", "0008_officer_personal_numbers_encrypted")]

    operations = [
        migrations.RemoveField(model_name="officer", name="citizen_id"),
        migrations.RemoveField(model_name="officer", name="phone"),
        migrations.RenameField(
            model_name="officer", old_name="citizen_id_sealed", new_name="citizen_id"
        ),
        migrations.RenameField(model_name="officer", old_name="phone_sealed", new_name="phone"),
        migrations.AlterField(
            model_name="officer",
            name="citizen_id",
            field=backend.crypto.fields.SealedCharField(
                max_length=18,
                purpose=CITIZEN_ID_PURPOSE,
                blind_index="citizen_id_index",
                validators=[personnel.validators.validate_citizen_id],
                verbose_name="公民身份号码",
            ),
        ),
        migrations.AlterField(
            model_name="officer",
            name="phone",
            field=backend.crypto.fields.SealedCharField(
                blank=True,
                max_length=20,
                purpose="personnel.officer.phone",
                validators=[
                    django.core.validators.RegexValidator(
                        "^(1\\d{10}|0\\d{2,3}-?\\d{7,8})$",
                        "电话应为11位手机号码，或带区号的固定电话（如0431-88886666）",
                    )
                ],
                verbose_name="联系电话",
            ),
        ),
        migrations.AlterField(
            model_name="officer",
            name="citizen_id_index",
            field=backend.crypto.fields.BlindIndexField(
                source="citizen_id", purpose=CITIZEN_ID_PURPOSE, verbose_name="公民身份号码索引"
            ),
        ),
        migrations.AddConstraint(
            model_name="officer",
            constraint=models.UniqueConstraint(
                fields=("citizen_id_index",), name="officer_citizen_id_unique"
            ),
        ),
    ]
