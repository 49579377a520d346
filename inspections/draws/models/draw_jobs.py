"""A draw's announcement or performance run as a background job (`inspections.draws.draw_jobs`).

A firms draw over millions of firms takes from seconds to minutes: the page that asked for it
returns at once and follows the job's progress. The draw itself is written in one transaction at
the end of the job, so a job that fails or stops part-way has recorded nothing as drawn.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.draws.models.draws import DrawPurpose

# A running job's progress is saved every second or so; silence this long means its process died.
STALE_AFTER = timedelta(minutes=10)


class DrawJobAction(models.TextChoices):
    ANNOUNCE = "announce", _("公告")
    PERFORM = "perform", _("抽取")


class DrawJobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败，未记录抽取")


UNFINISHED = (DrawJobStatus.QUEUED, DrawJobStatus.RUNNING)


class DrawJob(models.Model):
    task = models.ForeignKey(
        "inspections.SamplingTask",
        verbose_name=_("抽查任务"),
        on_delete=models.PROTECT,
        related_name="draw_jobs",
    )
    action = models.CharField(_("操作"), max_length=10, choices=DrawJobAction.choices)
    purpose = models.CharField(_("抽取内容"), max_length=10, choices=DrawPurpose.choices)
    # The draw performed, or the one the announcement created once it is done.
    draw = models.ForeignKey(
        "inspections.Draw",
        verbose_name=_("抽取"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    # Entered at the ceremony for a performance; they become public in the reveal.
    witness_values = models.JSONField(_("见证值"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DrawJobStatus.choices, default=DrawJobStatus.QUEUED
    )
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    percent = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("结果说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度"), null=True, blank=True)
    # The machine and process that ran it last (host:pid), and how many times it was started:
    # a job whose worker died part-way is started again, up to JOB_MAX_ATTEMPTS.
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    class Meta:
        verbose_name = _("抽取任务")
        verbose_name_plural = _("抽取任务")
        ordering = ["-id"]
        constraints = [
            # One draw operation at a time per task: a second click waits for the first.
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status__in=["queued", "running"]),
                name="draw_job_one_unfinished_per_task",
                violation_error_message=_("该抽查任务正在进行另一项抽取操作"),
            ),
            models.CheckConstraint(
                condition=Q(action__in=DrawJobAction.values), name="draw_job_action_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DrawJobStatus.values), name="draw_job_status_known"
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="draw_job_percent_max"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.get_action_display()}{self.get_purpose_display()}抽取"

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED

    @property
    def interrupted(self) -> bool:
        """Still marked unfinished, but silent for longer than any step takes: the process that
        ran it stopped. Nothing was recorded (the draw is written in one transaction)."""
        if self.finished:
            return False
        last = self.heartbeat_at or self.created_at
        return timezone.now() - last > STALE_AFTER

    @property
    def succeeded(self) -> bool:
        return self.status == DrawJobStatus.DONE
