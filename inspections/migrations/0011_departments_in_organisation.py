"""The foreign keys to Department point at organisation.Department, where the model moved
(organisation 0001). State only: the columns and their constraints already reference the same
table, `personnel_department`, which did not move."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0010_draw_eligible_counts"),
        ("organisation", "0001_department_moved_from_personnel"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="annualplan",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="annual_plans",
                        to="organisation.department",
                        verbose_name="编制部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="inspectionitem",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inspection_items",
                        to="organisation.department",
                        verbose_name="责任部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="planningsettings",
                    name="department",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="planning_settings",
                        to="organisation.department",
                        verbose_name="部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="samplingtask",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_tasks",
                        to="organisation.department",
                        verbose_name="发起部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="samplingtask",
                    name="departments",
                    field=models.ManyToManyField(
                        related_name="sampling_tasks",
                        through="inspections.TaskDepartment",
                        to="organisation.department",
                        verbose_name="参与部门",
                    ),
                ),
                migrations.AlterField(
                    model_name="taskdepartment",
                    name="department",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="task_participations",
                        to="organisation.department",
                        verbose_name="部门",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
