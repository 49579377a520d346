"""监督意见: the supervisor's opinion to a department, and the department's answer.

Both are final records: an opinion is never edited or withdrawn, and an answer is a record of
its own, written once. Whether an opinion is 待答复, 已答复 or 逾期 is derived on every read
(`OpinionState`, `supervision.selectors`), never stored.

The warnings themselves have no table: they are queries over the inspections
(`supervision.alerts`), so they cannot drift from the records.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FinalRecord(models.Model):
    """Written once: saving an existing row or deleting one is refused (the services never do;
    this keeps the admin shell and any later code from doing it by mistake)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("监督意见和答复一经提交不能修改", code="final_record")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("监督意见和答复不能删除", code="final_record")


class WarningKind(models.TextChoices):
    MULTIPLE = "multiple", _("多头检查")
    REPEATED = "repeated", _("重复检查")
    FREQUENT = "frequent", _("高频检查")
    OVERDUE = "overdue", _("补办审批超期")
    UNREGISTERED = "unregistered", _("未登记主体检查")


class OpinionSubject(models.TextChoices):
    INSPECTION = "inspection", _("检查")
    TASK = "task", _("抽查任务")
    WARNING = "warning", _("监督预警")


class OpinionState(models.TextChoices):
    PENDING = "pending", _("待答复")
    ANSWERED = "answered", _("已答复")
    OVERDUE = "overdue", _("逾期未答复")


class SupervisionOpinion(FinalRecord):
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("被监督部门"),
        on_delete=models.PROTECT,
        related_name="supervision_opinions",
    )
    subject = models.CharField(_("监督事项"), max_length=20, choices=OpinionSubject.choices)
    inspection = models.ForeignKey(
        "fieldwork.Inspection",
        verbose_name=_("检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    task = models.ForeignKey(
        "inspections.SamplingTask",
        verbose_name=_("抽查任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    warning_kind = models.CharField(
        _("预警类型"), max_length=20, choices=WarningKind.choices, blank=True
    )
    # The warning as the supervisor read it: warnings are computed, so the opinion keeps its text.
    warning_text = models.TextField(_("预警内容"), blank=True)
    text = models.TextField(_("监督意见"))
    issued_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("答复期限"))
    working_days = models.PositiveSmallIntegerField(_("答复期限（工作日）"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监督意见")
        verbose_name_plural = _("监督意见")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="opinion_has_text"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="opinion_due_after_issue"
            ),
            models.CheckConstraint(
                condition=Q(subject__in=OpinionSubject.values), name="opinion_subject_known"
            ),
            # Each subject names what it is about.
            models.CheckConstraint(
                condition=~Q(subject="inspection") | Q(inspection__isnull=False),
                name="opinion_inspection_named",
            ),
            models.CheckConstraint(
                condition=~Q(subject="task") | Q(task__isnull=False),
                name="opinion_task_named",
            ),
            models.CheckConstraint(
                condition=~Q(subject="warning") | (~Q(warning_kind="") & ~Q(warning_text="")),
                name="opinion_warning_named",
            ),
        ]
        indexes = [models.Index(fields=["department", "due_on"], name="opinion_department_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.department}"

    @property
    def number(self) -> str:
        return f"JD-{self.issued_on.year}-{self.pk:05d}"

    def state(self, today) -> str:
        if hasattr(self, "answer"):
            return OpinionState.ANSWERED
        return OpinionState.OVERDUE if today > self.due_on else OpinionState.PENDING

    def state_label(self, today) -> str:
        return OpinionState(self.state(today)).label


class OpinionAnswer(FinalRecord):
    """The department's answer: one per opinion, written once."""

    opinion = models.OneToOneField(
        SupervisionOpinion,
        verbose_name=_("监督意见"),
        on_delete=models.PROTECT,
        related_name="answer",
    )
    text = models.TextField(_("答复内容"))
    answered_on = models.DateField(_("答复日期"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监督意见答复")
        verbose_name_plural = _("监督意见答复")
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="answer_has_text")]

    def __str__(self) -> str:
        return f"{self.opinion.number} 答复"

    @property
    def late(self) -> bool:
        return self.answered_on > self.opinion.due_on
