"""Department moves from personnel to backend.organisation, the bottom layer.

State only: the table (`personnel_department`, its rows, keys and constraints) stays exactly as
personnel's migrations made it; from here on Django knows it as organisation.Department. The
foreign keys of the other apps are re-pointed by their own state-only migrations, and personnel
0006 forgets its model once they all have been.
"""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # The table exists, with every column and constraint of the model.
        ("personnel", "0005_certificate_event_amend"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Department",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(max_length=100, unique=True, verbose_name="部门名称"),
                        ),
                        (
                            "code",
                            models.CharField(
                                help_text="公开抽取结果中使用的简短代码，例如 KJ",
                                max_length=20,
                                unique=True,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[A-Z][A-Z0-9-]{0,19}$",
                                        "部门代码只能包含大写字母、数字和连字符",
                                    )
                                ],
                                verbose_name="部门代码",
                            ),
                        ),
                        (
                            "region_code",
                            models.CharField(
                                max_length=6,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[1-9][0-9]{5}$", "行政区划代码应为6位数字"
                                    )
                                ],
                                verbose_name="行政区划代码",
                            ),
                        ),
                        (
                            "training_min_hours",
                            models.DecimalField(
                                decimal_places=1,
                                default=Decimal("40"),
                                max_digits=5,
                                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                                verbose_name="年度培训最低学时",
                            ),
                        ),
                        (
                            "training_required",
                            models.BooleanField(
                                default=False,
                                help_text="勾选后，上一年度培训学时不足的人员不参加随机抽取",
                                verbose_name="培训学时不足不得参加抽查",
                            ),
                        ),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="organisation.department",
                                verbose_name="上级部门",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "部门",
                        "verbose_name_plural": "部门",
                        "db_table": "personnel_department",
                        "ordering": ["code"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("parent", models.F("pk")), _negated=True),
                                name="department_not_own_parent",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("training_min_hours__gte", 0)),
                                name="department_training_hours_not_negative",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
