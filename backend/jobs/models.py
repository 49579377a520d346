"""The background jobs that make something: a large export, a year's result file, a year's
statistics. Draws and imports keep their own job rows (DrawJob, ImportJob); these share one.

A job runs its kind's function (backend/jobs/work.py) once: a file it writes is written beside its
final name and renamed at the end, database writes are one transaction, so a job stopped part-way
(a kill, the time limit) leaves nothing half-made and is started again or marked failed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A running job saves its progress at least this often; silent longer, its process died (the
# sweep's rule on SQLite, which has no lease to ask).
STALE_AFTER = timedelta(minutes=10)


class WorkStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


UNFINISHED = (WorkStatus.QUEUED, WorkStatus.RUNNING)


class WorkJob(models.Model):
    kind = models.CharField(_("类型"), max_length=60)
    # What the job is about, for kinds that allow one unfinished job per subject (a year):
    # "2025". Blank for an export, of which a user may ask several.
    subject = models.CharField(_("对象"), max_length=60, blank=True)
    # What the kind's function needs (an export's filters and format): never personal data.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示由系统（定时任务或公众请求）发起"),
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=WorkStatus.choices, default=WorkStatus.QUEUED
    )
    total = models.BigIntegerField(_("总行数"), default=0)
    done = models.BigIntegerField(_("已处理行数"), default=0)
    # The file the job made (relative to MEDIA_ROOT) and the name it is downloaded under.
    file = models.CharField(_("文件"), max_length=300, blank=True)
    filename = models.CharField(_("下载文件名"), max_length=200, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度"), null=True, blank=True)
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    class Meta:
        verbose_name = _("后台生成任务")
        verbose_name_plural = _("后台生成任务")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=WorkStatus.values), name="work_job_status_is_known"
            ),
            # One year's file (or statistics) is built by one job at a time: a second request
            # while it runs joins the first.
            models.UniqueConstraint(
                fields=["kind", "subject"],
                condition=Q(status__in=["queued", "running"]) & ~Q(subject=""),
                name="work_job_one_unfinished_per_subject",
            ),
        ]
        indexes = [models.Index(fields=["created_by", "-id"], name="work_job_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject or self.pk}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED

    @property
    def percent(self) -> int:
        if self.status == WorkStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))

    @property
    def interrupted(self) -> bool:
        if self.finished:
            return False
        return (self.heartbeat_at or self.created_at) < timezone.now() - STALE_AFTER
