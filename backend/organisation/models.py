"""The organisation every other app hangs its records on: the enforcement departments.

The bottom layer: accounts, imports and every domain app point at `Department`, and nothing here
imports them. The table keeps the name it had when the model lived in `personnel`
(`personnel_department`): the move changed where the code lives, not the data.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.text import StripsInvisibleText


class Department(StripsInvisibleText, models.Model):
    """An enforcement department (执法部门). Every user and every record belongs to one."""

    name = models.CharField(_("部门名称"), max_length=100, unique=True)
    code = models.CharField(
        _("部门代码"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z][A-Z0-9-]{0,19}$", _("部门代码只能包含大写字母、数字和连字符"))
        ],
        help_text=_("公开抽取结果中使用的简短代码，例如 KJ"),
    )
    region_code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        validators=[RegexValidator(r"^[1-9][0-9]{5}$", _("行政区划代码应为6位数字"))],
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Local rules differ on the annual training minimum, and on whether an officer short of it
    # may still be drawn; each department sets both (domain.md, Personnel).
    training_min_hours = models.DecimalField(
        _("年度培训最低学时"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    training_required = models.BooleanField(
        _("培训学时不足不得参加抽查"),
        default=False,
        help_text=_("勾选后，上一年度培训学时不足的人员不参加随机抽取"),
    )

    class Meta:
        db_table = "personnel_department"
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="department_not_own_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(training_min_hours__gte=0),
                name="department_training_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name
