"""The organisation every other app hangs its records on: the enforcement departments.

The bottom layer: accounts, imports and every domain app point at `Department`, and nothing here
imports them. The table keeps the name it had when the model lived in `personnel`
(`personnel_department`): the move changed where the code lives, not the data.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.codes import CodeError, check_uscc
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


class LegalStatus(models.TextChoices):
    """What makes a department an inspection body (执法主体) under the 2025 rules."""

    ADMINISTRATIVE_ORGAN = "administrative_organ", _("行政机关")
    AUTHORISED_ORGANISATION = "authorised_organisation", _("法律法规授权的组织")


class InspectionBody(StripsInvisibleText, models.Model):
    """A department's registration as an inspection body: its legal status and basis, and the
    confirmation announced (确认公告). One per department; a department without one is 未登记."""

    department = models.OneToOneField(
        Department,
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="inspection_body",
    )
    legal_status = models.CharField(_("主体性质"), max_length=30, choices=LegalStatus.choices)
    legal_basis = models.TextField(
        _("执法权依据"), max_length=2000, help_text=_("设定其行政检查权的法律、法规、规章及条款")
    )
    confirmed_on = models.DateField(_("确认公告日期"), null=True, blank=True)
    announcement_number = models.CharField(_("确认公告文号"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("执法主体")
        verbose_name_plural = _("执法主体")
        ordering = ["department__code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(legal_status__in=LegalStatus.values),
                name="inspection_body_known_legal_status",
                violation_error_message=_("主体性质只能是行政机关或法律法规授权的组织"),
            ),
            models.CheckConstraint(
                condition=~models.Q(legal_basis=""),
                name="inspection_body_has_legal_basis",
                violation_error_message=_("请填写执法权依据"),
            ),
            # Confirmed means announced: a date without its 文号 (or the reverse) is half a record.
            models.CheckConstraint(
                condition=(
                    models.Q(confirmed_on__isnull=True, announcement_number="")
                    | (models.Q(confirmed_on__isnull=False) & ~models.Q(announcement_number=""))
                ),
                name="inspection_body_confirmation_complete",
                violation_error_message=_("确认公告日期和文号须同时填写"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.name}（{self.get_legal_status_display()}）"

    def is_registered_on(self, day) -> bool:
        return self.confirmed_on is not None and self.confirmed_on <= day


class EntrustedOrganisation(StripsInvisibleText, models.Model):
    """An organisation a department entrusts with inspections (受委托组织), by a 委托书 with a
    number, a scope and a period. Kept when it ends: the period says when it could inspect."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("委托部门"),
        on_delete=models.PROTECT,
        related_name="entrusted_organisations",
    )
    name = models.CharField(_("受委托组织名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    entrustment_number = models.CharField(_("委托书编号"), max_length=100)
    scope = models.TextField(
        _("委托范围"), max_length=2000, help_text=_("可以实施检查的执法领域或检查事项")
    )
    valid_from = models.DateField(_("委托起始日期"))
    valid_until = models.DateField(_("委托截止日期"))
    published = models.BooleanField(_("已公开委托书"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("受委托组织")
        verbose_name_plural = _("受委托组织")
        ordering = ["department__code", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="entrusted_organisation_period_in_order",
                violation_error_message=_("委托截止日期不能早于起始日期"),
            ),
            models.UniqueConstraint(
                fields=["department", "entrustment_number"],
                name="entrusted_organisation_unique_number_per_department",
                violation_error_message=_("本部门已有该编号的委托书"),
            ),
            models.CheckConstraint(
                condition=~models.Q(name="") & ~models.Q(scope=""),
                name="entrusted_organisation_has_name_and_scope",
                violation_error_message=_("请填写受委托组织名称和委托范围"),
            ),
            models.CheckConstraint(
                condition=~models.Q(entrustment_number=""),
                name="entrusted_organisation_has_number",
                violation_error_message=_("请填写委托书编号"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（委托书{self.entrustment_number}）"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            self.uscc = check_uscc(self.uscc or "")
        except CodeError as exc:
            errors["uscc"] = exc.message
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = "委托截止日期不能早于起始日期"
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_until
