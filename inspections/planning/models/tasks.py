"""Sampling tasks (抽查任务): what one batch inspects, where it draws from, who takes part.

The draws (next feature) run on a task; every change of its state is a service in
`inspections.planning.services.tasks` and leaves one append-only `TaskTransition`.
"""

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.text import StripsInvisibleText
from inspections.directory.models.firms import FIRM_FLAGS, FirmStatus
from inspections.planning.models.plans import StratumQuota


class TaskStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FIRMS_ANNOUNCED = "firms_announced", _("检查对象抽取已公告")
    FIRMS_DRAWN = "firms_drawn", _("检查对象已抽取")
    TEAMS_ANNOUNCED = "teams_announced", _("检查人员抽取已公告")
    TEAMS_DRAWN = "teams_drawn", _("检查人员已抽取")
    IN_PROGRESS = "in_progress", _("检查实施中")
    RESULTS_REVIEWED = "results_reviewed", _("检查结果已审核")
    PUBLISHED = "published", _("检查结果已公示")
    ARCHIVED = "archived", _("已归档")
    ABANDONED = "abandoned", _("已终止")


S = TaskStatus
# The only ways a task moves. A draft may be dropped before anything is announced; once a draw
# is announced the task may still be abandoned (and stays visible as abandoned), but not after
# its result exists.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.FIRMS_ANNOUNCED, S.ABANDONED}),
    S.FIRMS_ANNOUNCED: frozenset({S.FIRMS_DRAWN, S.ABANDONED}),
    S.FIRMS_DRAWN: frozenset({S.TEAMS_ANNOUNCED}),
    S.TEAMS_ANNOUNCED: frozenset({S.TEAMS_DRAWN, S.ABANDONED}),
    S.TEAMS_DRAWN: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.RESULTS_REVIEWED}),
    S.RESULTS_REVIEWED: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
    S.ABANDONED: frozenset(),
}
CASE_DRAFT_NEXT = frozenset({S.IN_PROGRESS, S.ABANDONED})
# States in which the teams are still to be drawn: staffing matters.
BEFORE_TEAMS = (S.DRAFT, S.FIRMS_ANNOUNCED, S.FIRMS_DRAWN, S.TEAMS_ANNOUNCED)
FINISHED = (S.ARCHIVED, S.ABANDONED)


def one_month_after(day: date) -> date:
    """The same day of the next month, or its last day (31 January → 28/29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class InspectionType(models.TextChoices):
    """The three types of 涉企行政检查 (国办发〔2024〕54号)."""

    ROUTINE = "routine", _("日常检查")
    CAMPAIGN = "campaign", _("专项检查")
    CASE = "case", _("个案检查")


class CaseTrigger(models.TextChoices):
    """What starts a 个案检查: it always names its source."""

    COMPLAINT = "complaint", _("投诉举报")
    REFERRAL = "referral", _("转办交办")
    MONITORING = "monitoring", _("非现场监管发现的线索")
    APPLICATION = "application", _("依申请")


class ScopeMode(models.TextChoices):
    TARGETED = "targeted", _("定向抽查")
    UNTARGETED = "untargeted", _("不定向抽查")


class SamplingTask(StripsInvisibleText, models.Model):
    """One batch: items, scope, quotas per risk class, departments and seats, dates."""

    code = models.CharField(
        _("任务编号"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9-]{0,29}$", _("任务编号只能包含大写字母、数字和连字符")
            )
        ],
        help_text=_("公开抽取结果中使用，例如 T-2021-007"),
    )
    name = models.CharField(_("任务名称"), max_length=200)
    plan = models.ForeignKey(
        "inspections.AnnualPlan",
        verbose_name=_("年度计划"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    plan_line = models.ForeignKey(
        "inspections.PlanLine",
        verbose_name=_("计划任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("发起部门"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    departments = models.ManyToManyField(
        "organisation.Department",
        verbose_name=_("参与部门"),
        through="TaskDepartment",
        related_name="sampling_tasks",
    )
    items = models.ManyToManyField(
        "inspections.InspectionItemVersion",
        verbose_name=_("检查事项"),
        related_name="sampling_tasks",
    )
    scope_mode = models.CharField(
        _("抽查方式"), max_length=20, choices=ScopeMode.choices, default=ScopeMode.UNTARGETED
    )
    region_code = models.CharField(_("行政区划"), max_length=6, blank=True)
    industry_prefix = models.CharField(_("行业代码（前缀）"), max_length=5, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    flags = models.JSONField(_("标记"), default=list, blank=True)
    statuses = models.JSONField(_("登记状态"), default=list, blank=True)
    exclusion_months = models.PositiveSmallIntegerField(
        _("排除近期已检查月数"),
        default=12,
        help_text=_("同一事项在此期间内已检查过的对象不再抽取"),
    )
    officer_cap = models.PositiveSmallIntegerField(_("每名人员最多检查户数"), default=5)
    cross_assignment = models.BooleanField(
        _("所所交叉"), default=False, help_text=_("执法人员不检查本人管辖片区的对象")
    )
    window_start = models.DateField(_("检查开始日期"))
    window_end = models.DateField(_("检查结束日期"))
    witnesses = models.JSONField(
        _("抽取见证人"), default=list, blank=True, help_text=_("按顺序，例如 纪检监督员、企业代表")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.DRAFT
    )
    # The type and its basis (检查依据): a 日常 task comes from the published plan by random
    # draw; a 专项 one is a campaign approved by the government or the higher authority; a 个案
    # one names its trigger and the firm.
    inspection_type = models.CharField(
        _("检查类型"), max_length=20, choices=InspectionType.choices, default=InspectionType.ROUTINE
    )
    campaign_authority = models.CharField(
        _("批准机关"), max_length=100, blank=True, help_text=_("本级人民政府或上级主管部门")
    )
    campaign_document = models.CharField(_("批准文件文号"), max_length=100, blank=True)
    campaign_approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    campaign_published_on = models.DateField(_("备案公布日期"), null=True, blank=True)
    case_trigger = models.CharField(
        _("检查启动事由"), max_length=20, choices=CaseTrigger.choices, blank=True
    )
    case_reference = models.CharField(
        _("事由编号"), max_length=100, blank=True, help_text=_("投诉举报、转办、线索或申请的编号")
    )
    case_firm = models.ForeignKey(
        "inspections.Firm",
        verbose_name=_("检查对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_tasks",
    )
    # A 个案's officers are named (by certificate number), not drawn.
    case_officers = models.JSONField(_("指定执法人员"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务")
        ordering = ["-window_start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_known"
            ),
            models.CheckConstraint(
                condition=Q(scope_mode__in=ScopeMode.values), name="task_scope_mode_known"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")),
                name="task_window_ends_after_start",
                violation_error_message=_("检查结束日期不能早于开始日期"),
            ),
            models.CheckConstraint(
                condition=Q(officer_cap__gte=1),
                name="task_officer_cap",
                violation_error_message=_("每名人员最多检查户数至少为1"),
            ),
            models.CheckConstraint(
                condition=Q(exclusion_months__lte=60),
                name="task_exclusion_months_range",
                violation_error_message=_("排除近期已检查月数不能超过60个月"),
            ),
            models.CheckConstraint(
                condition=Q(inspection_type__in=InspectionType.values),
                name="task_inspection_type_known",
            ),
            models.CheckConstraint(
                condition=~Q(inspection_type="campaign")
                | (
                    ~Q(campaign_document="")
                    & ~Q(campaign_authority="")
                    & Q(campaign_approved_on__isnull=False)
                    & Q(campaign_published_on__isnull=False)
                ),
                name="task_campaign_has_approval",
                violation_error_message=_(
                    "专项检查须填写批准机关、批准文件文号、批准日期和备案公布日期"
                ),
            ),
            models.CheckConstraint(
                condition=~Q(inspection_type="case")
                | (~Q(case_trigger="") & ~Q(case_reference="") & Q(case_firm__isnull=False)),
                name="task_case_has_trigger",
                violation_error_message=_("个案检查须填写启动事由、事由编号和检查对象"),
            ),
            # 不定向: the items' whole directory, no filter.
            models.CheckConstraint(
                condition=Q(scope_mode="targeted") | Q(region_code="", industry_prefix=""),
                name="task_untargeted_has_no_filter",
                violation_error_message=_("不定向抽查不设筛选条件"),
            ),
        ]
        indexes = [models.Index(fields=["department", "status"], name="task_department_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.inspection_type != InspectionType.CAMPAIGN:
            return
        approved, published = self.campaign_approved_on, self.campaign_published_on
        if approved and published and not approved <= published <= one_month_after(approved):
            raise ValidationError(
                {
                    "campaign_published_on": _(
                        "专项检查须在批准后一个月内备案并公布（批准日期%(approved)s，最迟%(due)s）"
                    )
                    % {"approved": approved.isoformat(), "due": one_month_after(approved)}
                },
                code="campaign_published_late",
            )

    @property
    def allowed_next(self) -> frozenset[str]:
        if self.inspection_type == InspectionType.CASE and self.status == S.DRAFT:
            # A 个案 names its firm and its officers: nothing is drawn, the draft starts.
            return CASE_DRAFT_NEXT
        return TRANSITIONS[self.status]

    @property
    def basis(self) -> dict[str, str]:
        """The type and its basis as the record chain and the 审批表 state them."""
        basis = {
            "type": self.inspection_type,
            "type_label": str(self.get_inspection_type_display()),
        }
        if self.inspection_type == InspectionType.CAMPAIGN:
            basis |= {
                "authority": self.campaign_authority,
                "document": self.campaign_document,
                "approved_on": self.campaign_approved_on.isoformat(),
                "published_on": self.campaign_published_on.isoformat(),
            }
        elif self.inspection_type == InspectionType.CASE:
            basis |= {
                "trigger": self.case_trigger,
                "trigger_label": str(self.get_case_trigger_display()),
                "reference": self.case_reference,
                "firm": self.case_firm.uscc,
                "firm_name": self.case_firm.name,
            }
        else:
            basis |= {"plan": f"{self.plan.year}年度计划（第{self.plan.version}版）"}
        return basis

    @property
    def flag_labels(self) -> list[str]:
        return [str(label) for name, label in FIRM_FLAGS if name in self.flags]

    @property
    def status_labels(self) -> list[str]:
        return [str(FirmStatus(s).label) for s in self.statuses if s in FirmStatus.values]


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", _("待确认")
    CONFIRMED = "confirmed", _("已确认")


class TaskDepartment(models.Model):
    """A department's part in a task: its seats on every team, and whether it has confirmed.

    The lead's row is confirmed when the task is opened; a participating department is invited
    by the lead and confirms its seats itself.
    """

    task = models.ForeignKey(
        SamplingTask,
        verbose_name=_("抽查任务"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="task_participations",
    )
    is_lead = models.BooleanField(_("发起部门"), default=False)
    seats = models.PositiveSmallIntegerField(
        _("每组人数"), help_text=_("每个检查组中本部门的执法人员人数（专家不计入）")
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.INVITED,
    )
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("任务参与部门")
        verbose_name_plural = _("任务参与部门")
        ordering = ["task_id", "-is_lead", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="task_department_once"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(is_lead=True), name="task_one_lead"
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="task_department_seats",
                violation_error_message=_("每个部门至少安排1名执法人员"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParticipationStatus.values),
                name="task_department_status_known",
            ),
            models.CheckConstraint(
                condition=Q(is_lead=False) | Q(status="confirmed"),
                name="task_lead_is_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.department}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == ParticipationStatus.CONFIRMED


class TaskQuota(StratumQuota):
    task = models.ForeignKey(
        SamplingTask, verbose_name=_("抽查任务"), on_delete=models.CASCADE, related_name="quotas"
    )

    class Meta(StratumQuota.Meta):
        verbose_name = _("任务抽查数量")
        verbose_name_plural = _("任务抽查数量")
        ordering = ["task_id", "risk_class"]
        constraints = [
            *StratumQuota.Meta.constraints,
            models.UniqueConstraint(fields=["task", "risk_class"], name="task_quota_once"),
        ]

    def __str__(self) -> str:
        return f"{self.risk_class}类 {self.ratio_percent or f'{self.count}户'}"


class TaskTransition(models.Model):
    """One change of a task's state: who, when, from what to what, and why. Append-only (a
    PostgreSQL trigger refuses UPDATE, DELETE and TRUNCATE)."""

    task = models.ForeignKey(
        SamplingTask,
        verbose_name=_("抽查任务"),
        on_delete=models.PROTECT,
        related_name="transitions",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=TaskStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=TaskStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("任务状态变更")
        verbose_name_plural = _("任务状态变更")
        ordering = ["task_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="task_transition_changes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_status} → {self.to_status}"
