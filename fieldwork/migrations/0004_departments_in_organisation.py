"""The foreign keys to Department point at organisation.Department, where the model moved
(organisation 0001). State only: the columns and their constraints already reference the same
table, `personnel_department`, which did not move."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0003_seed_result_codes"),
        ("organisation", "0001_department_moved_from_personnel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="inspectionmember",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.department",
                        verbose_name="部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="resultcode",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="空表示所有部门通用",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.department",
                        verbose_name="适用部门",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
