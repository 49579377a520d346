"""What every personnel service shares: what an audit entry holds, reasons and codes checked
(who may write is `personnel.access`)."""

from django.core.exceptions import ValidationError

from backend.codes import CodeError, check_uscc
from personnel.models import Officer


def officer_audit_detail(officer: Officer, **extra) -> dict:
    # Name and department only: the ID number and phone never enter the audit trail.
    return {
        "officer": officer.pk,
        "name": officer.name,
        "department": officer.department.code,
        **extra,
    }


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写理由"}, code="reason_required")
    return reason


def normalised_uscc(value: str) -> str:
    try:
        return check_uscc(value)
    except CodeError as error:
        raise ValidationError({"firm_uscc": error.message}, code=error.code) from None
