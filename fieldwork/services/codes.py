"""检查码: issued when an inspection is approved, withdrawn by the body's head if need be."""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.services import record_event
from fieldwork.access import lock_inspection
from fieldwork.actions import FieldworkAction
from fieldwork.models import CodeStatus, Inspection, InspectionCode, InspectionRecord
from fieldwork.models import RecordKind as K
from fieldwork.selectors.records import latest
from fieldwork.services.records import append_record

# How a firm verified the code: the QR image, or the short code typed on the page.
SCAN_METHODS = {"scan": "扫描二维码", "typed": "输入检查码"}
# Scans this close to the last one are the same visit (a page reloaded, a second phone).
SAME_VISIT = timedelta(minutes=10)

# 24 random bytes: 192 bits, well past the 128 that make guessing hopeless.
TOKEN_BYTES = 24


def _short_code(inspection: Inspection, year: int) -> str:
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
        code=_short_code(inspection, timezone.localtime(issued_at).year),
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
    from fieldwork.access import require_head

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


@transaction.atomic
def record_code_scan(
    *, code: InspectionCode, method: str, occurred_at: datetime | None = None
) -> InspectionRecord | None:
    """The firm verified a valid code on the public page: a record of the inspection's chain,
    written by nobody (the firm has no account). A code that is not valid is not recorded, nor is
    a scan within SAME_VISIT of the last one (that one is returned). No place is recorded: the
    public page never asks a firm's phone for its position."""
    inspection = lock_inspection(code.inspection)
    at = occurred_at or timezone.now()
    code.inspection = inspection
    if code.status(timezone.localdate(at)) != CodeStatus.VALID:
        return None
    last = latest(inspection, K.CODE_SCAN)
    if last is not None and abs(at - last.occurred_at) < SAME_VISIT:
        return last
    record = append_record(
        actor=None,
        inspection=inspection,
        kind=K.CODE_SCAN,
        content={
            "code": code.code,
            "method": method,
            "method_label": SCAN_METHODS[method],
        },
        occurred_at=occurred_at,
    )
    record_event(
        action=FieldworkAction.CODE_SCAN,
        obj=record,
        detail={"inspection": inspection.code, "code": code.code, "method": method},
    )
    return record
