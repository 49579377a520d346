"""One inspection per drawn firm of a task, and the team that carries it out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inspections.planning.models import InspectionType


class InspectionState(models.TextChoices):
    PLANNED = "planned", _("待检查")
    NOTIFIED = "notified", _("已送达通知书")
    ON_SITE = "on_site", _("检查中")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("审核退回")
    REVIEWED = "reviewed", _("结果已审核")
    CLOSED = "closed", _("已办结")
    ARCHIVED = "archived", _("已归档")


class ApprovalState(models.TextChoices):
    """行政检查审批: by the body's head before the start, or after it in an emergency."""

    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已审批")
    EMERGENCY = "emergency", _("紧急先行检查，待补办审批")
    APPROVED_AFTER = "approved_after", _("已补办审批")
    MIGRATED = "migrated", _("审批制度实施前已开始，视为已审批")


# States in which the inspection may go on: approved, or started in an emergency.
MAY_PROCEED = (
    ApprovalState.APPROVED,
    ApprovalState.EMERGENCY,
    ApprovalState.APPROVED_AFTER,
    ApprovalState.MIGRATED,
)

# States in which the team still writes the on-site record.
RECORDING = (InspectionState.ON_SITE, InspectionState.RETURNED)


class Inspection(models.Model):
    """A drawn firm of a sampling task, from the notice to the archive.

    The firm's name and code are copied when the inspection opens: the record must say whom
    it was about even if the directory later changes.
    """

    code = models.CharField(_("检查编号"), max_length=40, unique=True)
    task = models.ForeignKey(
        "inspections.SamplingTask",
        verbose_name=_("抽查任务"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    firm = models.ForeignKey(
        "inspections.Firm",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    firm_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    firm_name = models.CharField(_("检查对象名称"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=20, choices=InspectionState.choices, default=InspectionState.PLANNED
    )
    window_start = models.DateField(_("检查开始日期"))
    window_end = models.DateField(_("检查结束日期"))
    # The teams draws whose seats the members reflect (public ids, in order), so that a later
    # replacement draw is noticed and applied.
    team_draws = models.JSONField(_("检查人员抽取"), default=list, blank=True)
    # The current result's codes (from the latest result record), kept for lists and filters.
    result_codes = models.JSONField(_("检查结果"), default=list, blank=True)
    # Copied from the task when the inspection opens; the chain's approval record states both.
    inspection_type = models.CharField(
        _("检查类型"), max_length=20, choices=InspectionType.choices, default=InspectionType.ROUTINE
    )
    approval_state = models.CharField(
        _("审批状态"), max_length=20, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    emergency_reason = models.TextField(_("紧急先行检查理由"), blank=True)
    emergency_started_at = models.DateTimeField(_("先行检查时间"), null=True, blank=True)
    approval_due = models.DateField(_("补办审批期限"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["task_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "firm"], name="inspection_one_per_task_firm"),
            models.CheckConstraint(
                condition=Q(state__in=InspectionState.values), name="inspection_state_known"
            ),
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")),
                name="inspection_window_order",
            ),
            models.CheckConstraint(
                condition=Q(approval_state__in=ApprovalState.values),
                name="inspection_approval_state_known",
            ),
            models.CheckConstraint(
                condition=Q(inspection_type__in=InspectionType.values),
                name="inspection_type_known",
            ),
            # An emergency start always says why and by when its approval must follow.
            models.CheckConstraint(
                condition=Q(emergency_started_at__isnull=True)
                | (~Q(emergency_reason="") & Q(approval_due__isnull=False)),
                name="inspection_emergency_has_reason",
                violation_error_message=_("紧急先行检查须说明理由和补办审批期限"),
            ),
        ]
        indexes = [
            models.Index(fields=["state"], name="inspection_state_idx"),
            models.Index(fields=["firm_uscc"], name="inspection_firm_uscc_idx"),
            models.Index(fields=["approval_state"], name="inspection_approval_idx"),
            # The frequency caps' ledger reads one year's inspections (fieldwork.selectors), and
            # the supervisor's warnings pair the inspections starting, or ending, within a range
            # (supervision.alerts): both indexes carry the columns those read, so that the
            # database answers from the index alone.
            models.Index(
                fields=["window_start", "firm", "task", "window_end", "id"],
                name="inspection_start_cover_idx",
            ),
            models.Index(
                fields=["window_end", "firm", "task", "window_start", "id"],
                name="inspection_end_cover_idx",
            ),
            # Which tasks have inspections starting since a day: one probe per task.
            models.Index(fields=["task", "window_start"], name="inspection_task_start_idx"),
            # The supervisor's warnings read the inspections of the firms they find, by date.
            models.Index(fields=["firm", "window_start"], name="inspection_firm_window_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.firm_name}"

    @property
    def is_recording(self) -> bool:
        return self.state in RECORDING

    @property
    def may_proceed(self) -> bool:
        return self.approval_state in MAY_PROCEED

    @property
    def notice_stage_label(self) -> str:
        """The notice stage in the inspection's words: only a 日常 inspection is drawn at random
        (随机抽查); a 专项 or 个案 serves the plain 检查通知书 (2025 basic formats)."""
        if self.inspection_type == InspectionType.ROUTINE:
            return "送达随机抽查通知书"
        return "送达检查通知书"

    def approval_overdue(self, today) -> bool:
        """Started in an emergency and still unapproved after its deadline (超期)."""
        return (
            self.approval_state == ApprovalState.EMERGENCY
            and self.approval_due is not None
            and today > self.approval_due
        )


class InspectionMember(models.Model):
    """One seat of the inspection's team, as drawn (or replaced by a 递补 draw)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.CASCADE, related_name="members"
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    seat = models.PositiveSmallIntegerField(_("席位"))
    officer = models.ForeignKey(
        "personnel.Officer",
        verbose_name=_("执法人员"),
        on_delete=models.PROTECT,
        related_name="inspection_seats",
    )
    certificate_number = models.CharField(_("执法证号"), max_length=40)
    draw_public_id = models.CharField(_("抽取编号"), max_length=20)

    class Meta:
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")
        ordering = ["inspection_id", "department__code", "seat"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "department", "seat"], name="inspection_member_seat_unique"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.inspection.code} {self.department.code}-{self.seat} {self.certificate_number}"
        )
