"""检查码: issued when an inspection is approved, withdrawn by the body's head if need be."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.services import record_event
from fieldwork.actions import FieldworkAction
from fieldwork.models import Inspection, InspectionCode

# 24 random bytes: 192 bits, well past the 128 that make guessing hopeless.
TOKEN_BYTES = 24


def short_code(inspection: Inspection, year: int) -> str:
    """`JC-<year of issue>-<inspection id>`: unique because an inspection has one code."""
    return f"JC-{year}-{inspection.pk:06d}"


@transaction.atomic
def issue_inspection_code(*, actor, inspection: Inspection) -> InspectionCode:
    """Give an approved inspection its code (once: a second call returns the first)."""
    found = InspectionCode.objects.filter(inspection=inspection).first()
    if found is not None:
        return found
    issued_at = timezone.now()
    code = InspectionCode(
        inspection=inspection,
        code=short_code(inspection, timezone.localtime(issued_at).year),
        token=secrets.token_urlsafe(TOKEN_BYTES),
        issued_at=issued_at,
    )
    code.full_clean()
    code.save()
    record_event(
        action=FieldworkAction.CODE_ISSUE,
        actor=actor,
        obj=code,
        detail={"inspection": inspection.code, "code": code.code},
    )
    return code


@transaction.atomic
def withdraw_inspection_code(*, actor, inspection: Inspection, reason: str) -> InspectionCode:
    """The head withdraws a code (the inspection is called off, the code leaked): from then on
    the public page says 已撤回 and the firm may refuse the visit."""
    # Imported here: approvals imports this module for its hook after approval.
    from fieldwork.services.approvals import require_head

    require_head(actor, inspection)
    code = InspectionCode.objects.select_for_update().filter(inspection=inspection).first()
    if code is None:
        raise ValidationError(
            {"non_field_errors": ValidationError("该检查尚未赋码（须先审批）", code="no_code")}
        )
    if code.withdrawn_at is not None:
        raise ValidationError(
            {"non_field_errors": ValidationError(f"检查码{code.code}已撤回", code="withdrawn")}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError("撤回检查码须说明理由", code="reason_required")}
        )
    code.withdrawn_at = timezone.now()
    code.withdrawn_reason = reason
    code.full_clean()
    code.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    record_event(
        action=FieldworkAction.CODE_WITHDRAW,
        actor=actor,
        obj=code,
        detail={"inspection": inspection.code, "code": code.code, "reason": reason},
    )
    return code
