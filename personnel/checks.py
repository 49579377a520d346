"""The rules a personnel write must meet, shared by the services (`services/certificates.py`,
`services/conflicts.py`, `services/officers.py`) and the officer import, which checks each row
by the same rules before it writes. Each normalises its input or raises a ValidationError in
Chinese with a stable code; none writes (who may write is `personnel.access`)."""

from datetime import date

from django.core.exceptions import ValidationError

from backend.codes import CodeError, check_uscc
from backend.text import chinese_date
from personnel.models import ON_ROSTER, Certificate, CertificateStatus, Officer


def require_reason(reason: str) -> str:
    """Every certificate step and recusal decision gives its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写理由"}, code="reason_required")
    return reason


def normalised_uscc(value: str) -> str:
    """The firm of a conflict of interest, by its checked 统一社会信用代码."""
    try:
        return check_uscc(value)
    except CodeError as error:
        raise ValidationError({"firm_uscc": error.message}, code=error.code) from None


def normalised_expertise(value: str) -> str:
    # People type tags separated by 、 , ， ; or spaces; store them one way.
    for separator in (",", "，", ";", "；", " ", "　"):
        value = value.replace(separator, "、")
    return "、".join(tag for tag in (t.strip() for t in value.split("、")) if tag)


def invalid_transition(certificate: Certificate, what: str) -> ValidationError:
    """The refusal of a certificate step (`what`: 延续, 暂扣, …) its status does not allow."""
    return ValidationError(
        f"执法证{certificate.number}当前为“{certificate.get_status_display()}”，不能{what}",
        code="invalid_transition",
    )


def check_may_issue(officer: Officer) -> None:
    """Only an officer still on the roster receives a certificate."""
    if officer.status not in ON_ROSTER:
        raise ValidationError(
            f"{officer.name}已{officer.get_status_display()}，不能发放执法证", code="off_roster"
        )


def check_may_renew(certificate: Certificate, valid_to: date) -> None:
    """A valid (or merely expired) certificate is renewed to a later date; never a suspended
    or revoked one."""
    if certificate.status != CertificateStatus.VALID:
        raise invalid_transition(certificate, "延续")
    if valid_to <= certificate.valid_to:
        raise ValidationError(
            {"valid_to": f"延续后的截止日期应晚于当前截止日期{chinese_date(certificate.valid_to)}"},
            code="not_later",
        )
