"""What every personnel service shares: who may write, and what an audit entry holds."""

from django.core.exceptions import PermissionDenied, ValidationError

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.codes import CodeError, check_uscc
from backend.organisation.models import Department
from personnel.models import Officer


def ensure_manages(actor: User | None, department: Department) -> None:
    """Only a department administrator manages a department's personnel, and only their own."""
    if actor is None:
        return
    if not (actor.has_role(Role.DEPARTMENT_ADMIN) and actor.department_id == department.pk):
        raise PermissionDenied("只能由本部门的部门管理员管理本部门的执法人员")


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
