"""Conflicts of interest (回避) and parties' recusal requests."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.codes import CodeError, check_uscc
from backend.text import StripsInvisibleText
from personnel.models.officers import Officer
from personnel.validators import validate_uscc

# --------------------------------------------------------------------------- conflicts of interest


class ConflictRelation(models.TextChoices):
    RELATIVE = "relative", _("近亲属")
    FORMER_EMPLOYMENT = "former_employment", _("曾任职")
    INVESTMENT = "investment", _("投资持股")
    OTHER = "other", _("其他")


class ConflictSource(models.TextChoices):
    SELF_DECLARED = "self_declared", _("本人申报")
    PARTY_REQUEST = "party_request", _("当事人申请")
    REVIEW = "review", _("审查发现")


class ConflictOfInterest(StripsInvisibleText, models.Model):
    """An officer's interest in a firm (回避, 行政处罚法 art. 43): while it is valid, the officer
    never inspects that firm. The firm is named by its 统一社会信用代码, not by a foreign key, so
    that personnel does not depend on the target directory."""

    officer = models.ForeignKey(
        Officer, verbose_name=_("执法人员"), on_delete=models.PROTECT, related_name="conflicts"
    )
    firm_uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, validators=[validate_uscc], db_index=True
    )
    firm_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    relation = models.CharField(_("利害关系"), max_length=20, choices=ConflictRelation.choices)
    source = models.CharField(_("来源"), max_length=20, choices=ConflictSource.choices)
    valid_from = models.DateField(_("有效期自"))
    valid_to = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("留空表示长期"))
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        ordering = ["-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="conflict_period_is_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(relation__in=ConflictRelation.values),
                name="conflict_relation_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=ConflictSource.values),
                name="conflict_source_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} · {self.firm_name or self.firm_uscc}"

    def overlaps(self, start: date, end: date) -> bool:
        return self.valid_from <= end and (self.valid_to is None or self.valid_to >= start)

    def clean(self):
        if self.firm_uscc:
            try:
                self.firm_uscc = check_uscc(self.firm_uscc)
            except CodeError:
                pass  # the field validator reports it
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期截止日期不能早于起始日期")})


class RecusalDecision(models.TextChoices):
    PENDING = "pending", _("待决定")
    GRANTED = "granted", _("同意回避")
    REFUSED = "refused", _("不予回避")


class RecusalRequest(StripsInvisibleText, models.Model):
    """A party's request that an officer withdraw (当事人申请回避), decided by the department head.

    A granted request becomes a `ConflictOfInterest` (source 当事人申请), which the draw honours.
    """

    officer = models.ForeignKey(
        Officer, verbose_name=_("被申请回避人员"), on_delete=models.PROTECT, related_name="recusals"
    )
    firm_uscc = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_uscc])
    firm_name = models.CharField(_("申请单位"), max_length=200)
    requested_on = models.DateField(_("申请日期"))
    grounds = models.TextField(_("申请理由"))
    decision = models.CharField(
        _("决定"),
        max_length=20,
        choices=RecusalDecision.choices,
        default=RecusalDecision.PENDING,
    )
    decided_by = models.CharField(_("决定人（部门负责人）"), max_length=50, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    conflict = models.OneToOneField(
        ConflictOfInterest,
        verbose_name=_("由此产生的回避关系"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recusal_request",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避申请")
        verbose_name_plural = _("回避申请")
        ordering = ["-requested_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=RecusalDecision.values),
                name="recusal_decision_is_known",
            ),
            # A decision names who decided and when; a pending request names neither.
            models.CheckConstraint(
                condition=models.Q(decision="pending", decided_by="", decided_on__isnull=True)
                | (
                    ~models.Q(decision="pending")
                    & ~models.Q(decided_by="")
                    & models.Q(decided_on__isnull=False)
                ),
                name="recusal_decision_names_head_and_date",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="granted", conflict__isnull=False)
                | (~models.Q(decision="granted") & models.Q(conflict__isnull=True)),
                name="recusal_granted_iff_conflict",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm_name} 申请 {self.officer} 回避"

    def clean(self):
        if self.firm_uscc:
            try:
                self.firm_uscc = check_uscc(self.firm_uscc)
            except CodeError:
                pass  # the field validator reports it
