"""Legal review of major enforcement decisions (重大执法决定法制审核).

A department keeps its review catalogue (审核目录清单); a decision (行政执法决定) drafted for an
inspection that the catalogue lists, or that has one of the statutory circumstances of
行政处罚法 art. 58, goes to review on submission and cannot be issued until a legal reviewer
of the department writes 同意. Each submission is one review round; a round with problems
returns the decision for resubmission, and the rounds stay as its history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.text import StripsInvisibleText

# The time limit and its one extension, in working days (国办发〔2018〕118号 practice).
REVIEW_DAYS = 5
EXTENSION_DAYS = 3


class DecisionType(models.TextChoices):
    PENALTY = "penalty", _("行政处罚")
    LICENSE = "license", _("行政许可")
    COERCION = "coercion", _("行政强制")
    REFERRAL = "referral", _("移送案件线索")
    CRIMINAL_REFERRAL = "criminal_referral", _("涉嫌犯罪案件移送")
    OTHER = "other", _("其他行政执法决定")


# Types that hand the case to another authority, which the decision must name.
REFERRALS = (DecisionType.REFERRAL, DecisionType.CRIMINAL_REFERRAL)

# The statutory circumstances that need review whatever the catalogue says
# (行政处罚法 art. 58; 国办发〔2018〕118号): (field of Decision, wording).
CIRCUMSTANCES = (
    ("public_interest", _("涉及重大公共利益")),
    ("hearing_held", _("直接关系当事人或者第三人重大权益，经过听证程序")),
    ("complex_case", _("案件情况疑难复杂、涉及多个法律关系")),
    ("social_impact", _("可能造成重大社会影响或者引发社会风险")),
)


class CatalogueEntry(StripsInvisibleText, models.Model):
    """One line of a department's review catalogue: a decision type, optionally narrowed to an
    enforcement field and to amounts at or above a threshold.

    Retired, never deleted: a past submission names the lines it matched.
    """

    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="review_catalogue",
    )
    name = models.CharField(
        _("目录事项"), max_length=200, help_text=_("例如 对单位处以一万元以上罚款")
    )
    decision_type = models.CharField(_("决定类型"), max_length=20, choices=DecisionType.choices)
    enforcement_field = models.ForeignKey(
        "personnel.EnforcementField",
        verbose_name=_("执法领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示所有领域"),
    )
    min_amount = models.DecimalField(
        _("金额下限（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("金额达到或超过该数额的决定须审核；留空表示不论金额"),
    )
    basis = models.CharField(
        _("依据"),
        max_length=200,
        blank=True,
        help_text=_("例如 本部门重大执法决定法制审核目录清单文号"),
    )
    active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("审核目录事项")
        verbose_name_plural = _("审核目录清单")
        ordering = ["department__code", "-active", "decision_type", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_type__in=DecisionType.values),
                name="catalogue_decision_type_known",
            ),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True) | Q(min_amount__gte=0),
                name="catalogue_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def matches(self, *, decision_type: str, enforcement_field_id: int | None, amount) -> bool:
        """Whether a decision of this type, field and amount falls under this line."""
        if not self.active or decision_type != self.decision_type:
            return False
        if self.enforcement_field_id and enforcement_field_id != self.enforcement_field_id:
            return False
        if self.min_amount is not None and (amount is None or amount < self.min_amount):
            return False
        return True

    @property
    def conditions(self) -> str:
        """The line's conditions in words: 行政处罚 · 外国人来华工作许可 · ≥10000.00元."""
        parts = [str(self.get_decision_type_display())]
        parts.append(self.enforcement_field.name if self.enforcement_field_id else "所有领域")
        if self.min_amount is not None:
            parts.append(f"金额≥{self.min_amount}元")
        return " · ".join(parts)


class DecisionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("法制审核中")
    RETURNED = "returned", _("审核退回")
    APPROVED = "approved", _("法制审核通过")
    READY = "ready", _("待作出决定")  # submitted; no legal review needed
    ISSUED = "issued", _("已作出决定")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which the drafter may still change the decision.
EDITABLE = (DecisionState.DRAFT, DecisionState.RETURNED)


class Decision(StripsInvisibleText, models.Model):
    """An enforcement decision (行政执法决定) drafted for an inspection, with its review package:
    the draft, the facts, the evidence (records of the inspection), the legal basis and the
    discretion standard."""

    number = models.CharField(_("决定编号"), max_length=60, unique=True)
    inspection = models.ForeignKey(
        "fieldwork.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("决定部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_type = models.CharField(_("决定类型"), max_length=20, choices=DecisionType.choices)
    title = models.CharField(_("决定名称"), max_length=200)
    enforcement_field = models.ForeignKey(
        "personnel.EnforcementField",
        verbose_name=_("执法领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(
        _("罚没或涉案金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    recipient = models.CharField(
        _("移送接收机关"), max_length=100, blank=True, help_text=_("例如 市公安局出入境管理支队")
    )
    public_interest = models.BooleanField(CIRCUMSTANCES[0][1], default=False)
    hearing_held = models.BooleanField(CIRCUMSTANCES[1][1], default=False)
    complex_case = models.BooleanField(CIRCUMSTANCES[2][1], default=False)
    social_impact = models.BooleanField(CIRCUMSTANCES[3][1], default=False)
    draft_text = models.TextField(_("决定书（草稿）"))
    facts = models.TextField(_("违法事实"))
    evidence = models.ManyToManyField(
        "fieldwork.InspectionRecord",
        verbose_name=_("证据（全过程记录）"),
        blank=True,
        related_name="+",
    )
    evidence_note = models.TextField(_("其他证据说明"), blank=True)
    legal_basis = models.TextField(_("法律依据"))
    discretion = models.TextField(_("裁量基准及适用"), blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=DecisionState.choices, default=DecisionState.DRAFT
    )
    # Why the last submission needed review (the catalogue lines and circumstances, in words).
    triggers = models.JSONField(_("审核事由"), default=list, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("拟稿人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("拟稿时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("作出决定时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_number = models.CharField(_("决定书文号"), max_length=100, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回原因"), blank=True)

    class Meta:
        verbose_name = _("行政执法决定")
        verbose_name_plural = _("行政执法决定")
        ordering = ["inspection_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_type__in=DecisionType.values),
                name="decision_type_known",
            ),
            models.CheckConstraint(
                condition=Q(state__in=DecisionState.values), name="decision_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(decision_type__in=[t.value for t in REFERRALS]) | ~Q(recipient=""),
                name="decision_referral_names_recipient",
                violation_error_message=_("移送决定须写明接收机关"),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="decision_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(state="issued", issued_at__isnull=False, issued_by__isnull=False)
                | (~Q(state="issued") & Q(issued_at__isnull=True)),
                name="decision_issued_has_date_and_head",
            ),
            models.CheckConstraint(
                condition=Q(state="withdrawn", withdrawn_at__isnull=False) & ~Q(withdraw_reason="")
                | ~Q(state="withdrawn") & Q(withdrawn_at__isnull=True),
                name="decision_withdrawn_has_reason",
                violation_error_message=_("撤回须说明原因"),
            ),
        ]
        indexes = [models.Index(fields=["department", "state"], name="decision_dept_state_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def is_referral(self) -> bool:
        return self.decision_type in REFERRALS

    @property
    def circumstances(self) -> list[str]:
        """The statutory circumstances marked on the decision, in words."""
        return [str(label) for name, label in CIRCUMSTANCES if getattr(self, name)]


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("同意")
    PROBLEMS = "problems", _("存在问题")


class ReviewPoint(models.TextChoices):
    """What the reviewer checks (国办发〔2018〕118号; domain.md, Legal review), each recorded."""

    STANDING = "standing", _("执法主体是否合法，执法人员是否具备执法资格")
    PROCEDURE = "procedure", _("执法程序是否合法")
    FACTS = "facts", _("案件事实是否清楚，证据是否合法充分")
    BASIS = "basis", _("适用法律、法规、规章是否准确，裁量基准运用是否适当")
    POWERS = "powers", _("是否超越执法机关法定权限")
    DOCUMENTS = "documents", _("执法文书是否完备、规范")
    CRIME = "crime", _("违法行为是否涉嫌犯罪、需要移送司法机关")


# How each point reads when it holds and when it does not. The crime point is a question the
# other way round: "holds" means nothing criminal is left unreferred.
POINT_ANSWERS = {
    ReviewPoint.CRIME: (_("不涉嫌犯罪或已依法移送"), _("涉嫌犯罪，应当移送司法机关")),
}
DEFAULT_ANSWERS = (_("符合"), _("存在问题"))


def point_answers(point: str) -> tuple[str, str]:
    ok, problem = POINT_ANSWERS.get(point, DEFAULT_ANSWERS)
    return str(ok), str(problem)


class LegalReview(StripsInvisibleText, models.Model):
    """One review round: what was submitted (the package as it stood), the time limit and its
    one extension, and the reviewer's opinion point by point.

    The opinion is also appended to the inspection's record chain (`record`).
    """

    decision = models.ForeignKey(
        Decision, verbose_name=_("行政执法决定"), on_delete=models.PROTECT, related_name="reviews"
    )
    round = models.PositiveSmallIntegerField(_("审核轮次"))
    package = models.JSONField(_("送审材料"))
    triggers = models.JSONField(_("审核事由"), default=list)
    submitted_at = models.DateTimeField(_("送审时间"))
    # The day the time limit counts from (the submission's local date).
    submitted_on = models.DateField(_("送审日期"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送审人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    time_limit_days = models.PositiveSmallIntegerField(_("审核时限（工作日）"), default=REVIEW_DAYS)
    extension_days = models.PositiveSmallIntegerField(_("延长（工作日）"), default=0)
    extension_reason = models.TextField(_("延长理由"), blank=True)
    extended_at = models.DateTimeField(_("延长时间"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("延长人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        _("审核意见"),
        max_length=20,
        choices=ReviewOutcome.choices,
        default=ReviewOutcome.PENDING,
    )
    checks = models.JSONField(_("审核要点"), default=list, blank=True)
    reasons = models.TextField(_("存在的问题及理由"), blank=True)
    opinion = models.TextField(_("审核意见说明"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("出具意见时间"), null=True, blank=True)
    record = models.OneToOneField(
        "fieldwork.InspectionRecord",
        verbose_name=_("全过程记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_review",
    )

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["decision_id", "round"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "round"], name="review_round_unique"),
            # A decision is under one review at a time.
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(outcome="pending"),
                name="review_one_open_round",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ReviewOutcome.values), name="review_outcome_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending", reviewer__isnull=True, decided_at__isnull=True)
                | ~Q(outcome="pending") & Q(reviewer__isnull=False, decided_at__isnull=False),
                name="review_opinion_names_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="problems") | ~Q(reasons=""),
                name="review_problems_have_reasons",
                violation_error_message=_("审核意见为存在问题的，须写明问题及理由"),
            ),
            # Extended at most once, always with a reason.
            models.CheckConstraint(
                condition=Q(extension_days=0, extension_reason="", extended_at__isnull=True)
                | Q(extension_days__gt=0, extended_at__isnull=False) & ~Q(extension_reason=""),
                name="review_extension_has_reason",
                violation_error_message=_("延长审核期限须说明理由"),
            ),
        ]
        indexes = [models.Index(fields=["outcome", "submitted_on"], name="review_open_idx")]

    def __str__(self) -> str:
        return f"{self.decision.number} 第{self.round}轮法制审核"

    @property
    def is_open(self) -> bool:
        return self.outcome == ReviewOutcome.PENDING

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    @property
    def working_days(self) -> int:
        return self.time_limit_days + self.extension_days
