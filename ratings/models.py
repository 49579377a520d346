"""企业评价: the firm's rating of a closed inspection, and the complaints (投诉) that follow.

A rating is stored apart from the inspection it rates. Its row holds the inspecting department,
the items and the month, the answers, and a link to the inspection that only the supervisor's
selectors follow (`related_name="+"`: nothing on the inspection's side reaches it). The
department reads ratings only through `ratings.selectors.department_aggregates`, which returns
averages over at least MIN_SHOWN ratings and never a row.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The department and the public see an average only over at least this many ratings.
MIN_SHOWN = 5
TOO_FEW = _("评价数不足5条，不予显示")
# The firm's link is valid for this many (local) days after the inspection is closed.
LINK_DAYS = 30


class RatingLink(models.Model):
    """The firm's one-time link: issued when the inspection is closed, printed on the 检查结果
    告知书. Whether it was used is not stored here: the department reads this row."""

    inspection = models.OneToOneField(
        "fieldwork.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="rating_link",
    )
    token = models.CharField(_("评价令牌"), max_length=64, unique=True)
    issued_on = models.DateField(_("生成日期"))
    # The first local day on which the link no longer works: LINK_DAYS after the closing.
    expires_on = models.DateField(_("失效日期"))

    class Meta:
        verbose_name = _("企业评价链接")
        verbose_name_plural = _("企业评价链接")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="rating_link_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"评价链接（有效期至{self.expires_on}）"

    def is_valid_on(self, day: date) -> bool:
        return self.issued_on <= day < self.expires_on

    @property
    def last_day(self) -> date:
        return self.expires_on - timedelta(days=1)


class VisitLength(models.TextChoices):
    UNDER_HOUR = "under_1h", _("1小时以内")
    HALF_DAY = "half_day", _("1小时至半天")
    DAY = "day", _("半天至1天")
    LONGER = "longer", _("超过1天")


class Rating(models.Model):
    # One rating per inspection: the constraint refuses a replay even if two arrive at once.
    inspection = models.OneToOneField(
        "fieldwork.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("检查部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    items = models.ManyToManyField(
        "inspections.InspectionItem", verbose_name=_("检查事项"), related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    overall = models.PositiveSmallIntegerField(_("总体评价"))
    certificates_shown = models.BooleanField(_("是否出示执法证件"))
    rights_explained = models.BooleanField(_("是否告知权利"))
    visit_length = models.CharField(_("检查用时"), max_length=20, choices=VisitLength.choices)
    asked_for_favours = models.BooleanField(_("是否有索拿卡要"))
    favours_detail = models.TextField(_("索拿卡要情况"), blank=True)
    comment = models.TextField(_("其他意见"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("企业评价")
        verbose_name_plural = _("企业评价")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__gte=1, overall__lte=5),
                name="rating_overall_1_to_5",
                violation_error_message=_("总体评价须为1至5分"),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="rating_month_known"
            ),
            models.CheckConstraint(
                condition=Q(visit_length__in=VisitLength.values), name="rating_visit_length_known"
            ),
            models.CheckConstraint(
                condition=Q(asked_for_favours=True) | Q(favours_detail=""),
                name="rating_favours_detail_only_if_asked",
            ),
        ]
        indexes = [models.Index(fields=["department", "year", "month"], name="rating_period_idx")]

    def __str__(self) -> str:
        return f"评价 {self.pk}"


class ComplaintState(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", _("投诉属实，已责令整改")
    PARTLY = "partly", _("部分属实")
    NOT_UPHELD = "not_upheld", _("投诉不属实")


class Complaint(models.Model):
    """投诉: the supervisor puts a rating's matter to the inspecting department, which answers
    within COMPLAINT_ANSWER_WORKING_DAYS working days. The department reads the complaint's own
    text (the supervisor's wording), never the rating it came from."""

    number = models.CharField(_("投诉编号"), max_length=20, unique=True)
    rating = models.ForeignKey(
        Rating, verbose_name=_("企业评价"), on_delete=models.PROTECT, related_name="complaints"
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("被投诉部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.TextField(_("投诉事项"))
    state = models.CharField(
        _("状态"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("立案人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_on = models.DateField(_("立案日期"))
    due_on = models.DateField(_("答复期限"))
    outcome = models.CharField(
        _("办理结果"), max_length=20, choices=ComplaintOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("办结意见"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ComplaintState.values), name="complaint_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state=ComplaintState.CLOSED)
                | (~Q(outcome="") & Q(closed_on__isnull=False)),
                name="complaint_closed_has_outcome",
                violation_error_message=_("办结投诉须选择办理结果"),
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=ComplaintOutcome.values),
                name="complaint_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_overdue(self, today: date) -> bool:
        """Not answered by its deadline (still open after it)."""
        return self.state == ComplaintState.OPEN and today > self.due_on


class ComplaintAnswer(models.Model):
    """The department's answer: a record of its own, never edited."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("投诉"), on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(_("答复内容"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_on = models.DateField(_("答复日期"))
    answered_at = models.DateTimeField(_("答复时间"))

    class Meta:
        verbose_name = _("投诉答复")
        verbose_name_plural = _("投诉答复")
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint.number} 答复"

    @property
    def late(self) -> bool:
        return self.answered_on > self.complaint.due_on
