"""Enforcement certificates (执法证) with their history, qualification exams and training."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.text import StripsInvisibleText
from personnel.models.base import EnforcementField
from personnel.models.officers import Officer

# --------------------------------------------------------------------------- certificates


class CertificateKind(models.TextChoices):
    NATIONAL = "national", _("全国统一行政执法证")
    LOCAL = "local", _("地方行政执法证")
    SECTOR = "sector", _("部门行政执法证件")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("撤销")
    # Never stored: a valid certificate is 过期 on any day after valid_to (see status_on).
    EXPIRED = "expired", _("过期")
    # Never stored either: a valid certificate before its valid_from.
    NOT_YET_VALID = "not_yet_valid", _("未生效")


# What the services may store; the rest is derived from the dates.
STORED_CERTIFICATE_STATUSES = (
    CertificateStatus.VALID,
    CertificateStatus.SUSPENDED,
    CertificateStatus.REVOKED,
)


class Certificate(StripsInvisibleText, models.Model):
    """An enforcement certificate (执法证). Its current state; `CertificateEvent` keeps history.

    The stored status changes only through the services in `personnel.services`, each of which
    appends one event. Expiry is not a stored state: `status_on(day)` derives it from the dates.
    """

    officer = models.ForeignKey(
        Officer, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("证件编号"), max_length=40)
    kind = models.CharField(_("证件类型"), max_length=20, choices=CertificateKind.choices)
    issuing_authority = models.CharField(_("发证机关"), max_length=100)
    enforcement_fields = models.ManyToManyField(
        EnforcementField, verbose_name=_("执法领域"), related_name="certificates"
    )
    valid_from = models.DateField(_("有效期自"))
    valid_to = models.DateField(_("有效期至"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")
        ordering = ["officer__name", "valid_from", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="certificate_number_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="certificate_valid_to_not_before_valid_from",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=STORED_CERTIFICATE_STATUSES),
                name="certificate_stored_status_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CertificateKind.values),
                name="certificate_kind_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: date) -> str:
        """The status on `day`: a suspension or revocation first, then the dates."""
        if self.status != CertificateStatus.VALID:
            return self.status
        if day > self.valid_to:
            return CertificateStatus.EXPIRED
        if day < self.valid_from:
            return CertificateStatus.NOT_YET_VALID
        return CertificateStatus.VALID

    def status_label_on(self, day: date) -> str:
        return str(CertificateStatus(self.status_on(day)).label)

    def is_valid_on(self, day: date) -> bool:
        return self.status_on(day) == CertificateStatus.VALID

    def covers_period(self, start: date, end: date) -> bool:
        """Valid (not suspended or revoked) on every day from `start` to `end`."""
        return (
            self.status == CertificateStatus.VALID
            and self.valid_from <= start
            and end <= self.valid_to
        )

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期截止日期不能早于起始日期")})


class CertificateAction(models.TextChoices):
    ISSUE = "issue", _("发证")
    RENEW = "renew", _("延续")
    SUSPEND = "suspend", _("暂扣")
    RESTORE = "restore", _("恢复")
    REVOKE = "revoke", _("撤销")
    # A correction of the register (type, issuing authority, fields, start date) by an import.
    AMEND = "amend", _("更正")


class CertificateEvent(models.Model):
    """One step in a certificate's life, appended by the service that took it; never changed.

    The period and status after the step are recorded, so the certificate's state at any time is
    the last event before it. On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE.
    """

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("执法证"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=20, choices=CertificateAction.choices)
    reason = models.TextField(_("理由"))
    valid_from = models.DateField(_("有效期自"))
    valid_to = models.DateField(_("有效期至"))
    status_before = models.CharField(
        _("原状态"), max_length=20, choices=CertificateStatus.choices, blank=True
    )
    status_after = models.CharField(_("新状态"), max_length=20, choices=CertificateStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("执法证变更记录")
        verbose_name_plural = _("执法证变更记录")
        ordering = ["certificate", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=CertificateAction.values),
                name="certificate_event_action_is_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="certificate_event_has_a_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="certificate_event_period_is_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {self.get_action_display()}"


# --------------------------------------------------------------------------- exams and training


class QualificationExam(models.Model):
    """A sitting of the 行政执法资格考试 (通用法律知识 + 专门法律知识)."""

    officer = models.ForeignKey(
        Officer, verbose_name=_("考生"), on_delete=models.PROTECT, related_name="exams"
    )
    exam_date = models.DateField(_("考试日期"))
    subjects = models.CharField(_("考试科目"), max_length=200, default="通用法律知识、专门法律知识")
    score = models.DecimalField(_("成绩"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("是否通过"))
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
        verbose_name = _("资格考试")
        verbose_name_plural = _("资格考试")
        ordering = ["-exam_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100), name="exam_score_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.exam_date}"


class TrainingRecord(StripsInvisibleText, models.Model):
    officer = models.ForeignKey(
        Officer, verbose_name=_("参训人员"), on_delete=models.PROTECT, related_name="trainings"
    )
    training_date = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    topic = models.CharField(_("培训内容"), max_length=200)
    organiser = models.CharField(_("主办单位"), max_length=100, blank=True)
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
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-training_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=500), name="training_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.training_date} {self.topic}"
