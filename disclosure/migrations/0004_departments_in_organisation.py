"""The foreign keys to Department point at organisation.Department, where the model moved
(organisation 0001). State only: the columns and their constraints already reference the same
table, `personnel_department`, which did not move."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_firm_name_statistics_for_name_search"),
        ("organisation", "0001_department_moved_from_personnel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="publicationdeadline",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="publication_deadlines",
                        to="organisation.department",
                        verbose_name="部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="publishedresult",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="published_results",
                        to="organisation.department",
                        verbose_name="公示部门",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
