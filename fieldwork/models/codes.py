"""检查码 (扫码入企): the code an approved inspection shows the firm before it enters.

The short code (`JC-2027-000123`) is for people to read aloud or type; the token is what the
QR code carries, long enough (192 bits) that nobody finds a valid one by guessing. Whether the
code is valid is derived on each read from the inspection (its window, its closing) and from
a withdrawal, never stored, so that it cannot go stale.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fieldwork.models.inspections import Inspection, InspectionState

# An inspection that is closed or archived has nothing left to enter the firm for.
FINISHED = (InspectionState.CLOSED, InspectionState.ARCHIVED)


class CodeStatus(models.TextChoices):
    VALID = "valid", _("有效")
    NOT_YET = "not_yet", _("未到检查期间")
    EXPIRED = "expired", _("已过有效期")
    CLOSED = "closed", _("检查已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    UNKNOWN = "unknown", _("无效的检查码")


class InspectionCode(models.Model):
    inspection = models.OneToOneField(
        Inspection,
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="inspection_code",
    )
    code = models.CharField(_("检查码"), max_length=20, unique=True)
    token = models.CharField(_("核验令牌"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("赋码时间"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回理由"), blank=True)

    class Meta:
        verbose_name = _("检查码")
        verbose_name_plural = _("检查码")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="inspection_code_withdrawal_has_reason",
                violation_error_message=_("撤回检查码须说明理由"),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def status(self, today: date) -> CodeStatus:
        """Valid within the inspection's window until it is closed or the code withdrawn."""
        inspection = self.inspection
        if self.withdrawn_at is not None:
            return CodeStatus.WITHDRAWN
        if inspection.state in FINISHED:
            return CodeStatus.CLOSED
        if today < inspection.window_start:
            return CodeStatus.NOT_YET
        if today > inspection.window_end:
            return CodeStatus.EXPIRED
        return CodeStatus.VALID
