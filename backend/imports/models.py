from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_AFTER = timedelta(minutes=10)


class Mode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("全部有效才导入")
    VALID_ONLY = "valid_only", _("只导入有效行")


class Status(models.TextChoices):
    QUEUED = "queued", _("排队中")
    READING = "reading", _("正在读取和校验")
    APPLYING = "applying", _("正在写入")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("有错误，未导入")
    FAILED = "failed", _("失败，未导入")


FINISHED = {Status.DONE, Status.REJECTED, Status.FAILED}


class ImportJob(models.Model):
    """One import of one file: its progress, its outcome, and the error report.

    The rows are written in one transaction at the end, so a job that stops part-way (a crash,
    a restart) has written nothing; the page says so and offers to run it again.
    """

    kind = models.CharField(_("导入类型"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=255)
    # Blank for an import run from the command line, which reads the file where it lies.
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64)
    size = models.BigIntegerField(_("文件大小"))
    mode = models.CharField(_("导入方式"), max_length=20, choices=Mode.choices)
    dry_run = models.BooleanField(_("仅试算"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("为空表示由命令行导入"),
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.IntegerField(_("数据行数"), default=0)
    processed_rows = models.IntegerField(_("已处理行数"), default=0)
    inserted = models.IntegerField(_("新增"), default=0)
    updated = models.IntegerField(_("更新"), default=0)
    unchanged = models.IntegerField(_("未变化"), default=0)
    rejected = models.IntegerField(_("错误行"), default=0)
    error_report = models.FileField(_("错误报告"), upload_to="imports/reports/%Y/%m/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度"), null=True, blank=True)
    # The machine and process that ran it last (host:pid), and how many times it was started:
    # a job whose worker died part-way is started again, up to JOB_MAX_ATTEMPTS.
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode__in=Mode.values), name="import_mode_is_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="import_status_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def interrupted(self) -> bool:
        """Still marked as running, but silent for longer than any step takes: the process died.

        Nothing was written (rows are written in one transaction at the end).
        """
        if self.finished or self.heartbeat_at is None:
            return False
        return timezone.now() - self.heartbeat_at > STALE_AFTER

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))
