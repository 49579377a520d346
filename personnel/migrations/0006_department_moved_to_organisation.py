"""Department now lives in backend.organisation (organisation 0001): personnel's officers and
experts point there, and personnel forgets the model. State only, like every step of the move:
the table and its rows do not change. It runs after every app has re-pointed its own keys."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_department_in_organisation"),
        ("disclosure", "0004_departments_in_organisation"),
        ("fieldwork", "0004_departments_in_organisation"),
        ("imports", "0002_import_job_department_in_organisation"),
        ("inspections", "0011_departments_in_organisation"),
        ("legalreview", "0002_departments_in_organisation"),
        ("organisation", "0001_department_moved_from_personnel"),
        ("personnel", "0005_certificate_event_amend"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="officer",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="officers",
                        to="organisation.department",
                        verbose_name="所属部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="expert",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="experts",
                        to="organisation.department",
                        verbose_name="所属部门",
                    ),
                ),
                migrations.DeleteModel(
                    name="Department",
                ),
            ],
            database_operations=[],
        ),
    ]
