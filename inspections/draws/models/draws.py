"""Draws (DR-1, draw-spec.md): the firms draw and the teams draw of a sampling task.

A draw is announced (its pool, parameters and the nonce's digest frozen and published), then
performed once (the reveal, the seed and the result stored), or abandoned. On PostgreSQL a
trigger refuses DELETE and every UPDATE except those two moves out of `announced`, and a second
one, called only when an UPDATE names a file of the announcement (pool, conflicts, firms
result), refuses any change to it: an announced draw can never be quietly rewritten or removed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.text import StripsInvisibleText


class DrawPurpose(models.TextChoices):
    FIRMS = "firms", _("检查对象")
    TEAMS = "teams", _("检查人员")


class DrawStatus(models.TextChoices):
    ANNOUNCED = "announced", _("已公告")
    PERFORMED = "performed", _("已抽取")
    ABANDONED = "abandoned", _("已作废")


# A firms draw's files reach hundreds of megabytes over millions of firms: draws are loaded
# without them, and each is read when asked for (`inspections.draws.draw_files` reads and serves
# them in slices).
FILE_FIELDS = ("pool", "conflicts", "result", "firms_result")


class DrawQuerySet(models.QuerySet):
    def select_related(self, *fields):
        # A related draw (`replaces`) comes without its files too.
        queryset = super().select_related(*fields)
        for path in fields:
            if path and path.split("__")[-1] == "replaces":
                queryset = queryset.defer(*(f"{path}__{name}" for name in FILE_FIELDS))
        return queryset


class DrawManager(models.Manager.from_queryset(DrawQuerySet)):
    def get_queryset(self):
        return super().get_queryset().defer(*FILE_FIELDS)


class Draw(StripsInvisibleText, models.Model):
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
    # 递补 (replacement draws): who approved it, and what part of the task it refills. A whole
    # re-draw of an abandoned draw names no firm; a partial one names the firm whose drawing, or
    # the officer whose seat on it, it replaces.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaced_firm = models.CharField(_("被递补的检查对象"), max_length=18, blank=True)
    replaced_officer = models.CharField(
        _("被递补的执法人员（执法证号）"), max_length=40, blank=True
    )
    # The firms result file a teams draw is for, when it is not the task's firms draw's result:
    # the one firm of a replacement (draw-spec.md binds it by `firms_result_sha256`).
    firms_result = models.BinaryField(_("所依据的检查对象抽取结果"), null=True, blank=True)
    # A firms draw's strata in its public files are labels, not the risk classes they stand for
    # (internal, never published as a rating): risk class → label, dealt at random for each
    # draw and kept by its replacements; {} for a teams draw, and for firms draws announced
    # before labels, whose strata are the classes themselves.
    strata = models.JSONField(_("分层标签（内部）"), default=dict, blank=True)
    # A firms draw's eligible rows per stratum label, as counted when its pool file was written:
    # performing the draw sizes its cut-offs with them instead of counting the file again
    # (dr1.compute_result's `eligible`). {} for a teams draw and for earlier firms draws.
    eligible = models.JSONField(_("各分层可抽取数"), default=dict, blank=True)

    objects = DrawManager()

    class Meta:
        verbose_name = _("抽取")
        verbose_name_plural = _("抽取")
        ordering = ["task_id", "id"]
        constraints = [
            # Partial replacements (a firm, an officer's seat) live beside the whole draw.
            models.UniqueConstraint(
                fields=["task", "purpose"],
                condition=Q(status__in=["announced", "performed"], replaced_firm=""),
                name="draw_one_effective_per_task_purpose",
                violation_error_message=_("该抽查任务已有同一内容的有效抽取"),
            ),
            # One ceremony at a time: a task has at most one announced, not yet performed draw.
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="announced"),
                name="draw_one_pending_per_task",
                violation_error_message=_("该抽查任务已有一次已公告、尚未进行的抽取"),
            ),
            models.CheckConstraint(
                condition=Q(replaced_firm="")
                | Q(replaces__isnull=False, approved_by__isnull=False),
                name="draw_partial_replacement_names_draw_and_approver",
            ),
            models.CheckConstraint(
                condition=Q(replaced_officer="") | Q(purpose="teams") & ~Q(replaced_firm=""),
                name="draw_officer_replacement_is_a_teams_draw_for_a_firm",
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

    def risk_class_of(self, stratum: str) -> str:
        """The risk class a stratum label of this firms draw stands for (internal pages only)."""
        return next((c for c, label in self.strata.items() if label == stratum), stratum)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        # A file that was not loaded was not changed: checking it would only load it.
        deferred = self.get_deferred_fields() & set(FILE_FIELDS)
        super().full_clean(
            exclude={*(exclude or ()), *deferred},
            validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )

    @property
    def is_performed(self) -> bool:
        return self.status == DrawStatus.PERFORMED

    @property
    def is_partial(self) -> bool:
        """A 递补 draw for one firm (or one officer's seat on it), beside the task's whole draw."""
        return self.replaced_firm != ""


class DrawCounter(models.Model):
    """The last draw number given in a year: the row is locked while a draw takes the next one,
    so that two tasks announcing at once never get the same public id."""

    year = models.PositiveSmallIntegerField(_("年度"), primary_key=True)
    last = models.PositiveIntegerField(_("最后编号"), default=0)

    class Meta:
        verbose_name = _("抽取编号计数")
        verbose_name_plural = _("抽取编号计数")

    def __str__(self) -> str:
        return f"D-{self.year}-{self.last:04d}"
