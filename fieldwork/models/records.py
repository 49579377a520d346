"""The whole-process record (行政执法全过程记录): append-only, one hash chain per inspection.

A record is never edited or deleted: a correction is a new record that names the one it
corrects and why. On PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    APPROVAL = "approval", _("行政检查审批")
    EMERGENCY_START = "emergency_start", _("紧急情况先行检查")
    # The firm verified the inspection's 检查码 on the public page (no member of staff wrote it).
    CODE_SCAN = "code_scan", _("检查对象核验检查码")
    NOTICE = "notice", _("送达随机抽查通知书")
    ON_SITE = "on_site", _("到达现场、出示执法证件")
    # 非现场检查 (书面核查, 信息共享比对, 远程视频…): instead of the arrival, never beside it.
    NON_SITE = "non_site", _("实施非现场检查")
    FINDINGS = "findings", _("检查要点记录")
    RESULT = "result", _("检查结果")
    FIRM_OPINION = "firm_opinion", _("检查对象意见及签名")
    OFFICER_SIGNATURES = "officer_signatures", _("执法人员签名")
    EVIDENCE = "evidence", _("证据材料")
    SUBMITTED = "submitted", _("提交审核")
    REVIEW = "review", _("结果审核")
    FOLLOW_UP = "follow_up", _("后续处置")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    CLOSED = "closed", _("办结")
    ARCHIVED = "archived", _("归档")


# Kinds the team may correct while it is still recording.
CORRECTABLE = (
    RecordKind.NOTICE,
    RecordKind.ON_SITE,
    RecordKind.NON_SITE,
    RecordKind.FINDINGS,
    RecordKind.RESULT,
    RecordKind.FIRM_OPINION,
    RecordKind.OFFICER_SIGNATURES,
    RecordKind.FOLLOW_UP,
)


class InspectionRecord(models.Model):
    """One stage of an inspection: who, when, where, what; chained to the previous record."""

    inspection = models.ForeignKey(
        "fieldwork.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    sequence = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("环节"), max_length=30, choices=RecordKind.choices)
    content = models.JSONField(_("内容"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # When it happened on site; a draft kept on the phone may reach the server later.
    occurred_at = models.DateTimeField(_("发生时间"))
    recorded_at = models.DateTimeField(_("记录时间"))
    # Empty only for the firm's own scan of the code (RecordKind.CODE_SCAN): it has no account.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
    )
    reason = models.TextField(_("更正原因"), blank=True)
    # The client's key for one submission: a retried upload or a replayed draft is one record.
    idempotency_key = models.UUIDField(_("提交标识"), null=True, blank=True)
    prev_hash = models.CharField(_("前序摘要"), max_length=64)
    content_hash = models.CharField(_("内容摘要"), max_length=64)

    class Meta:
        verbose_name = _("全过程记录")
        verbose_name_plural = _("全过程记录")
        ordering = ["inspection_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "sequence"], name="record_sequence_unique"
            ),
            # Two writers can never fork one inspection's chain.
            models.UniqueConstraint(
                fields=["inspection", "prev_hash"], name="record_chain_no_fork"
            ),
            models.UniqueConstraint(
                fields=["inspection", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="record_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RecordKind.values), name="record_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""),
                name="record_correction_has_reason",
                violation_error_message=_("更正记录须说明原因"),
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="record_sequence_positive"),
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=False) | Q(kind="code_scan"),
                name="record_by_staff_unless_firm_scan",
            ),
        ]

    def __str__(self) -> str:
        # Read by people (the home page's recent activity, the admin): the inspection's code.
        return f"{self.inspection.code} 第{self.sequence}条 {self.kind_label}"

    @property
    def kind_label(self) -> str:
        """The record's kind as its inspection says it: a 专项 or 个案 serves the 检查通知书,
        only a 日常 inspection the 随机抽查通知书."""
        if self.kind == RecordKind.NOTICE:
            return self.inspection.notice_stage_label
        return self.get_kind_display()

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None
