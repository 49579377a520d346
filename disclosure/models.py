"""Published results (事后公示) and each department's publication deadlines.

A `PublishedResult` holds exactly what the public may read of one reviewed inspection, copied
when it is published; nothing is ever edited or deleted (on PostgreSQL a trigger refuses it,
migration 0002). A correction or a withdrawal is a new row that points at the row it replaces,
with its reason and date, so that both stay visible as what they are.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DecisionKind(models.TextChoices):
    """What is published, each with its own time limit (domain.md, Disclosure)."""

    RESULT = "result", _("抽查检查结果")
    LICENSE = "license", _("行政许可决定")
    PENALTY = "penalty", _("行政处罚决定")
    WITHDRAWAL = "withdrawal", _("撤销决定的撤回公示")


# Working days from the decision (the reviewed result, the revocation) to its publication.
DEFAULT_WORKING_DAYS: dict[str, int] = {
    DecisionKind.RESULT: 20,
    DecisionKind.LICENSE: 7,
    DecisionKind.PENALTY: 7,
    DecisionKind.WITHDRAWAL: 3,
}


class PublicationDeadline(models.Model):
    """A department's own time limit for one kind of decision (local rules may be shorter)."""

    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("部门"),
        on_delete=models.CASCADE,
        related_name="publication_deadlines",
    )
    kind = models.CharField(_("公示事项"), max_length=20, choices=DecisionKind.choices)
    working_days = models.PositiveSmallIntegerField(_("公示期限（工作日）"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公示期限")
        verbose_name_plural = _("公示期限")
        ordering = ["department_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind"], name="publication_deadline_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="publication_deadline_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1, working_days__lte=60),
                name="publication_deadline_range",
                violation_error_message=_("公示期限应为1至60个工作日"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.get_kind_display()} {self.working_days}个工作日"


class PublicationKind(models.TextChoices):
    ORIGINAL = "original", _("公示")
    CORRECTION = "correction", _("更正")
    WITHDRAWAL = "withdrawal", _("撤回")


class FollowUpSummary(models.TextChoices):
    NONE = "none", _("无需后续处置")
    OPEN = "open", _("后续处置中")
    COMPLETED = "completed", _("后续处置已完成")


class PublishedResult(models.Model):
    """One publication of an inspection's result: the original, a correction or a withdrawal.

    The public columns are copies, not joins: what was published stays what it was even if the
    directory, the item list or the department's name changes later. Codes are kept as
    space-delimited words (" no-problem rectified ") so that the filters and the statistics
    read one column on every database.
    """

    code = models.CharField(_("公示编号"), max_length=50, unique=True)
    inspection = models.ForeignKey(
        "fieldwork.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=PublicationKind.choices, default=PublicationKind.ORIGINAL
    )
    # The row this one corrects or withdraws; a row is replaced at most once, so each
    # inspection's publications form one line whose last row is the one in force.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("更正或撤回的公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    reason = models.TextField(_("更正或撤回原因"), blank=True)
    # The publishing department (谁检查、谁录入、谁公开) and its name as published.
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("公示部门"),
        on_delete=models.PROTECT,
        related_name="published_results",
    )
    agency = models.CharField(_("检查机关"), max_length=100)
    joint_agencies = models.CharField(_("联合检查部门"), max_length=500, blank=True)
    task_code = models.CharField(_("任务编号"), max_length=30)
    task_name = models.CharField(_("任务名称"), max_length=200)
    firm_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    firm_name = models.CharField(_("检查对象名称"), max_length=200)
    region_code = models.CharField(_("行政区划"), max_length=6)
    items = models.JSONField(_("检查事项"), default=list)  # [{"code", "name"}]
    inspected_on = models.DateField(_("检查日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    result_codes = models.CharField(_("检查结果代码"), max_length=300)
    result_text = models.CharField(_("检查结果"), max_length=1000)
    # [{"kind", "label", "completed_on"}]
    follow_ups = models.JSONField(_("后续处置"), default=list, blank=True)
    follow_up_kinds = models.CharField(_("后续处置方式"), max_length=100, blank=True)
    follow_up_status = models.CharField(
        _("后续处置情况"),
        max_length=20,
        choices=FollowUpSummary.choices,
        default=FollowUpSummary.NONE,
    )
    due_on = models.DateField(_("公示期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示的检查结果")
        verbose_name_plural = _("公示的检查结果")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PublicationKind.values), name="published_result_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(follow_up_status__in=FollowUpSummary.values),
                name="published_result_follow_up_known",
            ),
            # The original replaces nothing; a correction or a withdrawal replaces one row and
            # says why.
            models.CheckConstraint(
                condition=Q(kind="original", replaces__isnull=True)
                | (Q(replaces__isnull=False) & ~Q(kind="original") & ~Q(reason="")),
                name="published_result_replacement_has_reason",
                violation_error_message=_("更正或撤回须指明原公示并说明原因"),
            ),
            models.UniqueConstraint(
                fields=["inspection"],
                condition=Q(kind="original"),
                name="published_result_one_original",
            ),
        ]
        # Every public list reads newest first (id descending) under one filter.
        indexes = [
            models.Index(fields=["firm_uscc", "id"], name="published_result_firm_idx"),
            models.Index(fields=["department", "id"], name="published_result_dept_idx"),
            models.Index(fields=["year", "id"], name="published_result_year_idx"),
            models.Index(fields=["task_code", "id"], name="published_result_task_idx"),
            models.Index(fields=["region_code", "id"], name="published_result_region_idx"),
            models.Index(fields=["inspected_on"], name="published_result_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.firm_name}"


class PublishedResultItem(models.Model):
    """The items of a publication, one row each, so that a filter by item uses an index."""

    result = models.ForeignKey(
        PublishedResult, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField(_("事项编码"), max_length=40)

    class Meta:
        verbose_name = _("公示的检查事项")
        verbose_name_plural = _("公示的检查事项")
        constraints = [
            models.UniqueConstraint(fields=["item_code", "result"], name="published_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} {self.item_code}"


class YearStatisticsSnapshot(models.Model):
    """A finished year's statistics (行政执法统计年报's public part) as built by its job.

    Built once the year is over (1 January, by beat) and again whenever the year's published
    results change; the public pages read it while it matches the results (`newest_result` and
    `results_count` are the state it was built from). Replaced whole, in one transaction.
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    figures = models.JSONField(_("统计数据"))
    newest_result = models.BigIntegerField(_("统计时最新公示编号"))
    results_count = models.BigIntegerField(_("统计时公示条数"))
    built_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("年度统计快照")
        verbose_name_plural = _("年度统计快照")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年统计"
