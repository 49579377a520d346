"""Annual plans (年度抽查计划): versions, their lines, filing, and each department's planning
settings.

A published plan is never edited: a revision is a new version (with its reason) that supersedes
the published one when it is published in turn. Every write goes through
`inspections.planning.services.plans`.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.text import StripsInvisibleText
from inspections.directory.models.firms import RiskClass

RATIO_FIELD = {"max_digits": 5, "decimal_places": 4}


def _ratio_between_0_and_1(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 1}),
        name=name,
        violation_error_message=_("默认抽查比例应在0%至100%之间"),
    )


class PlanningSettings(models.Model):
    """A department's defaults for the plan generator.

    The ratios follow the common local pattern (domain.md, Sampling): A 2%, B 5%, C 20%, D 100%;
    an item's ratio cap always wins over them. The officer-day figures turn planned visits into
    the work they need, so that the generator can warn where a department cannot staff its share.
    """

    department = models.OneToOneField(
        "organisation.Department",
        verbose_name=_("部门"),
        on_delete=models.CASCADE,
        related_name="planning_settings",
    )
    ratio_a = models.DecimalField(_("A类默认抽查比例"), default=Decimal("0.02"), **RATIO_FIELD)
    ratio_b = models.DecimalField(_("B类默认抽查比例"), default=Decimal("0.05"), **RATIO_FIELD)
    ratio_c = models.DecimalField(_("C类默认抽查比例"), default=Decimal("0.20"), **RATIO_FIELD)
    ratio_d = models.DecimalField(_("D类默认抽查比例"), default=Decimal("1"), **RATIO_FIELD)
    team_seats = models.PositiveSmallIntegerField(
        _("单部门检查每户人数"),
        default=2,
        help_text=_("每户检查的执法人员人数，至少2人（行政处罚法第四十二条）"),
    )
    days_per_visit = models.DecimalField(
        _("每户检查人日"), max_digits=4, decimal_places=1, default=Decimal("1")
    )
    officer_days_per_quarter = models.DecimalField(
        _("每人每季度可安排检查日数"), max_digits=5, decimal_places=1, default=Decimal("10")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("计划参数")
        verbose_name_plural = _("计划参数")
        constraints = [
            _ratio_between_0_and_1("ratio_a", "planning_settings_ratio_a_range"),
            _ratio_between_0_and_1("ratio_b", "planning_settings_ratio_b_range"),
            _ratio_between_0_and_1("ratio_c", "planning_settings_ratio_c_range"),
            _ratio_between_0_and_1("ratio_d", "planning_settings_ratio_d_range"),
            models.CheckConstraint(
                condition=Q(team_seats__gte=2),
                name="planning_settings_team_of_two",
                violation_error_message=_("每户检查至少需要2名执法人员"),
            ),
            models.CheckConstraint(
                condition=Q(days_per_visit__gt=0), name="planning_settings_days_per_visit"
            ),
            models.CheckConstraint(
                condition=Q(officer_days_per_quarter__gte=0),
                name="planning_settings_officer_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} 计划参数"

    @property
    def ratios(self) -> dict[str, Decimal]:
        return {
            RiskClass.A: self.ratio_a,
            RiskClass.B: self.ratio_b,
            RiskClass.C: self.ratio_c,
            RiskClass.D: self.ratio_d,
        }


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本替代")


# A plan still being worked on: at most one per department and year.
OPEN_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.APPROVED)


class AnnualPlan(StripsInvisibleText, models.Model):
    """One version of a department's plan for a year (年度抽查计划)."""

    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("编制部门"),
        on_delete=models.PROTECT,
        related_name="annual_plans",
    )
    year = models.PositiveSmallIntegerField(_("计划年度"))
    version = models.PositiveSmallIntegerField(_("版本号"), default=1)
    title = models.CharField(_("计划名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("修订自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revision",
    )
    revision_reason = models.TextField(_("修订原因"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("年度抽查计划")
        verbose_name_plural = _("年度抽查计划")
        ordering = ["-year", "department__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "version"], name="plan_version_unique"
            ),
            models.UniqueConstraint(
                fields=["department", "year"],
                condition=Q(status="published"),
                name="plan_one_published_per_year",
            ),
            models.UniqueConstraint(
                fields=["department", "year"],
                condition=Q(status__in=OPEN_PLAN_STATUSES),
                name="plan_one_open_version_per_year",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_known"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="plan_year_range"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="plan_version_positive"),
            # A revision says why it exists.
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(revision_reason=""), name="plan_revision_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "superseded"])
                | Q(published_at__isnull=False),
                name="plan_published_at_once_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanLine(StripsInvisibleText, models.Model):
    """One line of the plan table: a planned sampling task (计划任务).

    Its items share their targets, so that one visit checks all of them (进一次门、查多项事); the
    departments of the items other than the plan's are the participating departments.
    """

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("计划名称"), max_length=200)
    items = models.ManyToManyField(
        "inspections.InspectionItemVersion", verbose_name=_("检查事项"), related_name="plan_lines"
    )
    start_quarter = models.PositiveSmallIntegerField(_("开始季度"))
    end_quarter = models.PositiveSmallIntegerField(_("结束季度"))
    frequency = models.CharField(_("频次"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("计划任务")
        verbose_name_plural = _("计划任务")
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_line_position_unique"),
            models.CheckConstraint(
                condition=Q(start_quarter__gte=1, start_quarter__lte=4)
                & Q(end_quarter__gte=1, end_quarter__lte=4)
                & Q(start_quarter__lte=models.F("end_quarter")),
                name="plan_line_quarters",
                violation_error_message=_("季度应为1至4，且结束季度不早于开始季度"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StratumQuota(models.Model):
    """How many firms of one risk class: a ratio of the stratum (ceil(n × ratio), DR-1) or a
    fixed count, never both. A risk class without a row is not sampled."""

    risk_class = models.CharField(_("信用风险分类"), max_length=1, choices=RiskClass.choices)
    ratio = models.DecimalField(_("抽查比例"), null=True, blank=True, **RATIO_FIELD)
    count = models.PositiveIntegerField(_("固定数量"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["risk_class"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ratio__isnull=False, count__isnull=True)
                | Q(ratio__isnull=True, count__isnull=False),
                name="%(app_label)s_%(class)s_ratio_or_count",
                violation_error_message=_("每类请填写抽查比例或固定数量，二者选一"),
            ),
            models.CheckConstraint(
                condition=Q(ratio__isnull=True) | Q(ratio__gte=0, ratio__lte=1),
                name="%(app_label)s_%(class)s_ratio_range",
                violation_error_message=_("抽查比例应在0%至100%之间"),
            ),
            models.CheckConstraint(
                condition=Q(risk_class__in=RiskClass.values),
                name="%(app_label)s_%(class)s_risk_class_known",
            ),
        ]

    @property
    def ratio_percent(self) -> str:
        if self.ratio is None:
            return ""
        return f"{(self.ratio * 100).normalize():f}%"


class PlanLineQuota(StratumQuota):
    """A line's quota for one risk class, with the directory's count it was planned on."""

    line = models.ForeignKey(
        PlanLine, verbose_name=_("计划任务"), on_delete=models.CASCADE, related_name="quotas"
    )
    population = models.PositiveIntegerField(_("名录中的对象数"))
    planned = models.PositiveIntegerField(_("计划抽查数"))

    class Meta(StratumQuota.Meta):
        verbose_name = _("计划抽查数量")
        verbose_name_plural = _("计划抽查数量")
        ordering = ["line_id", "risk_class"]
        constraints = [
            *StratumQuota.Meta.constraints,
            models.UniqueConstraint(fields=["line", "risk_class"], name="plan_quota_once"),
            models.CheckConstraint(
                condition=Q(planned__lte=models.F("population")),
                name="plan_quota_planned_within_population",
                violation_error_message=_("计划抽查数不能超过名录中的对象数"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk_class}类 {self.planned}户"


class PlanFiling(models.Model):
    """The 备案 of a published plan with the next level up: when, and with whom."""

    plan = models.OneToOneField(
        AnnualPlan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="filing"
    )
    filed_on = models.DateField(_("备案日期"))
    authority = models.CharField(_("备案机关"), max_length=100)
    document_number = models.CharField(_("备案文号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("计划备案")
        verbose_name_plural = _("计划备案")
        constraints = [
            models.CheckConstraint(condition=~Q(authority=""), name="plan_filing_has_authority"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} 备案于 {self.authority}"
