"""Draws (DR-1, draw-spec.md): the firms draw and the teams draw of a sampling task.

A draw is announced (its pool, parameters and the nonce's digest frozen and published), then
performed once (the reveal, the seed and the result stored), or abandoned. On PostgreSQL a
trigger refuses DELETE and every UPDATE except those two moves out of `announced`, so that an
announced draw can never be quietly rewritten or removed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DrawPurpose(models.TextChoices):
    FIRMS = "firms", _("检查对象")
    TEAMS = "teams", _("检查人员")


class DrawStatus(models.TextChoices):
    ANNOUNCED = "announced", _("已公告")
    PERFORMED = "performed", _("已抽取")
    ABANDONED = "abandoned", _("已作废")


class Draw(models.Model):
    """One DR-1 draw. `announcement` and `reveal` are exactly the objects that were hashed."""

    public_id = models.CharField(_("抽取编号"), max_length=20, unique=True)
    task = models.ForeignKey(
        "inspections.SamplingTask",
        verbose_name=_("抽查任务"),
        on_delete=models.PROTECT,
        related_name="draws",
    )
    purpose = models.CharField(_("抽取内容"), max_length=10, choices=DrawPurpose.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=DrawStatus.choices, default=DrawStatus.ANNOUNCED
    )
    announcement = models.JSONField(_("公告"))
    announcement_sha256 = models.CharField(_("公告摘要"), max_length=64)
    pool = models.BinaryField(_("候选名单文件"))
    pool_sha256 = models.CharField(_("候选名单摘要"), max_length=64)
    conflicts = models.BinaryField(_("回避关系文件"), null=True, blank=True)
    # Secret until the reveal: never shown by a page or an API before the draw is performed.
    nonce = models.CharField(_("系统随机数"), max_length=64)
    reveal = models.JSONField(_("揭示"), null=True, blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    result = models.BinaryField(_("抽取结果文件"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("替代的抽取"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    reason = models.TextField(_("原因"), blank=True)
    announced_at = models.DateTimeField(_("公告时间"))
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公告人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    performed_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    abandoned_reason = models.TextField(_("作废原因"), blank=True)

    class Meta:
        verbose_name = _("抽取")
        verbose_name_plural = _("抽取")
        ordering = ["task_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "purpose"],
                condition=Q(status__in=["announced", "performed"]),
                name="draw_one_effective_per_task_purpose",
                violation_error_message=_("该抽查任务已有同一内容的有效抽取"),
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=DrawPurpose.values), name="draw_purpose_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DrawStatus.values), name="draw_status_known"
            ),
            # A performed draw has its reveal, seed and result; an announced one has none.
            models.CheckConstraint(
                condition=Q(status="performed", reveal__isnull=False, result__isnull=False)
                & ~Q(seed="")
                | ~Q(status="performed") & Q(reveal__isnull=True, result__isnull=True, seed=""),
                name="draw_performed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.get_purpose_display()}"

    @property
    def is_performed(self) -> bool:
        return self.status == DrawStatus.PERFORMED
