"""The result code table (检查结果), parent and child codes, multi-select; and follow-ups."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.text import StripsInvisibleText


class ResultCode(models.Model):
    """One line of the configurable result table, seeded with the official wording.

    A department may add its own children (违反其他相关规定 is one per department); a code is
    retired, never deleted, so that old results keep their wording.
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("适用部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空表示所有部门通用"),
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    # 未发现问题 cannot be combined with a finding.
    exclusive = models.BooleanField(_("不可与其他结果同选"), default=False)
    # A result with this code needs a follow-up before the inspection can be closed.
    needs_follow_up = models.BooleanField(_("需后续处置"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查结果代码")
        verbose_name_plural = _("检查结果代码")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The official wording, the child after its parent: 发现问题待后续处理（…）."""
        if self.parent_id:
            return f"{self.parent.name}（{self.name}）"
        return self.name


class FollowUpKind(models.TextChoices):
    NONE = "none", _("无需后续处置")
    RECTIFY = "rectify", _("责令改正")
    REFER = "refer", _("移送案件线索")
    NOTIFY = "notify", _("抄告其他部门")
    CRIMINAL = "criminal", _("刑事移送")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("处置中")
    COMPLETED = "completed", _("已完成")


class FollowUp(StripsInvisibleText, models.Model):
    """A follow-up of a reviewed result, tracked to completion with a date.

    Each step (opened, re-checked, completed) is also a record in the inspection's chain; this
    row is the tracker that dashboards query.
    """

    inspection = models.ForeignKey(
        "fieldwork.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    kind = models.CharField(_("处置方式"), max_length=20, choices=FollowUpKind.choices)
    authority = models.CharField(
        _("移送/抄告机关"), max_length=100, blank=True, help_text=_("例如 公安机关出入境管理部门")
    )
    details = models.TextField(_("处置内容"), blank=True)
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    outcome = models.TextField(_("处置结果"), blank=True)
    opened_record = models.ForeignKey(
        "fieldwork.InspectionRecord",
        verbose_name=_("登记记录"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_record = models.ForeignKey(
        "fieldwork.InspectionRecord",
        verbose_name=_("完成记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("后续处置")
        verbose_name_plural = _("后续处置")
        ordering = ["inspection_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FollowUpKind.values), name="follow_up_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FollowUpStatus.values), name="follow_up_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["refer", "notify", "criminal"]) | ~Q(authority=""),
                name="follow_up_referral_names_authority",
                violation_error_message=_("移送、抄告须写明接收机关"),
            ),
            models.CheckConstraint(
                condition=Q(status="open", completed_on__isnull=True)
                | Q(status="completed", completed_on__isnull=False),
                name="follow_up_completed_has_date",
                violation_error_message=_("已完成的后续处置须填写完成日期"),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="follow_up_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.inspection.code}"
