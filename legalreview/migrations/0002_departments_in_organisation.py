"""The foreign keys to Department point at organisation.Department, where the model moved
(organisation 0001). State only: the columns and their constraints already reference the same
table, `personnel_department`, which did not move."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("legalreview", "0001_decisions_catalogue_and_review_rounds"),
        ("organisation", "0001_department_moved_from_personnel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="catalogueentry",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="review_catalogue",
                        to="organisation.department",
                        verbose_name="部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="decision",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.department",
                        verbose_name="决定部门",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
