"""The foreign keys to Department point at organisation.Department, where the model moved
(organisation 0001). State only: the columns and their constraints already reference the same
table, `personnel_department`, which did not move."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_import_jobs"),
        ("organisation", "0001_department_moved_from_personnel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="importjob",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="organisation.department",
                        verbose_name="部门",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
