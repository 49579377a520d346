"""行政检查审批: no inspection starts before the body's head approves it.

The head is the lead department's 部门管理员: the product has no separate role for the head of
an enforcement body, and the department administrator already reviews results in its name
(docs/rules-2025.md). The approval is a record of the inspection's chain holding the 审批表
(type, basis, firm, items, methods, officers, window). In an emergency a team member starts the
inspection first, with the reason, and the approval must follow within
`settings.EMERGENCY_APPROVAL_WORKING_DAYS` working days; until it does the inspection is flagged,
and after that deadline it can no longer be approved (it stays 超期 on record).
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.services import record_event
from backend.workdays.selectors import working_day_deadline
from fieldwork.access import lock_inspection, require_head
from fieldwork.access import require_member as require_team_member
from fieldwork.actions import FieldworkAction
from fieldwork.models import ApprovalState, Inspection, InspectionRecord, InspectionState
from fieldwork.models import RecordKind as K
from fieldwork.selectors import caps_passed_by
from fieldwork.selectors.records import approval_form, existing_submission
from fieldwork.services.codes import issue_inspection_code
from fieldwork.services.records import append_record


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


@transaction.atomic
def approve_inspection(
    *,
    actor,
    inspection: Inspection,
    opinion: str = "",
    occurred_at: datetime | None = None,
    idempotency_key=None,
    cap_reason: str = "",
) -> InspectionRecord:
    """The head approves the 审批表: before the start, or after an emergency start within its
    deadline (补办审批). `occurred_at` is when a paper 审批表 was signed, if entered later.

    A 个案 or 专项 inspection that passes a frequency cap (频次上限) is approved only with the
    head's confirmation, `cap_reason`; the record holds the caps passed and the reason."""
    inspection = lock_inspection(inspection)
    found = existing_submission(inspection, K.APPROVAL, idempotency_key)
    if found is not None:
        return found
    require_head(actor, inspection)
    after = inspection.approval_state == ApprovalState.EMERGENCY
    if inspection.approval_state != ApprovalState.PENDING and not after:
        raise _refuse(
            f"检查{inspection.code}{inspection.get_approval_state_display()}，无需审批",
            "not_pending",
        )
    today = timezone.localdate()
    if after and inspection.approval_overdue(today):
        raise _refuse(
            f"检查{inspection.code}的补办审批期限为{inspection.approval_due.isoformat()}，"
            "已超过期限，不能再补办审批；该检查将保留“补办审批超期”标记",
            "approval_overdue",
        )
    passed = caps_passed_by(inspection)
    cap_reason = (cap_reason or "").strip()
    if passed and not cap_reason:
        raise _refuse(
            f"检查{inspection.code}将超过检查频次上限："
            + "；".join(p.label for p in passed)
            + "。如确需检查，请填写确认理由",
            "frequency_cap",
            "cap_reason",
        )
    over_cap = {"caps": [p.label for p in passed], "reason": cap_reason} if passed else None
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=K.APPROVAL,
        content={
            **approval_form(inspection),
            "decision_label": "同意实施" if not after else "同意（补办审批）",
            "after_the_fact": after,
            "approver": actor.display_name or actor.username,
            "opinion": (opinion or "").strip(),
            **({"frequency_cap": over_cap} if over_cap else {}),
        },
        occurred_at=occurred_at,
        idempotency_key=idempotency_key,
    )
    inspection.approval_state = ApprovalState.APPROVED_AFTER if after else ApprovalState.APPROVED
    inspection.approved_at = record.recorded_at
    inspection.approved_by = actor
    inspection.full_clean()
    inspection.save(update_fields=["approval_state", "approved_at", "approved_by", "updated_at"])
    record_event(
        action=FieldworkAction.APPROVE_AFTER if after else FieldworkAction.APPROVE,
        actor=actor,
        obj=record,
        detail={"inspection": inspection.code, "sequence": record.sequence},
    )
    if over_cap:
        record_event(
            action=FieldworkAction.APPROVE_OVER_CAP,
            actor=actor,
            obj=record,
            detail={"inspection": inspection.code, **over_cap},
        )
    issue_inspection_code(actor=actor, inspection=inspection)
    return record


@transaction.atomic
def start_in_emergency(
    *, actor, inspection: Inspection, reason: str, idempotency_key=None
) -> InspectionRecord:
    """A team member starts an unapproved inspection because it cannot wait; the approval must
    follow within the configured working days (the product's holiday calendar counts them)."""
    inspection = lock_inspection(inspection)
    found = existing_submission(inspection, K.EMERGENCY_START, idempotency_key)
    if found is not None:
        return found
    require_team_member(actor, inspection)
    if inspection.approval_state != ApprovalState.PENDING:
        raise _refuse(
            f"检查{inspection.code}{inspection.get_approval_state_display()}，不需要紧急先行检查",
            "not_pending",
        )
    if inspection.state != InspectionState.PLANNED:
        raise _refuse(f"检查{inspection.code}已开始实施", "wrong_state")
    reason = (reason or "").strip()
    if not reason:
        raise _refuse("紧急先行检查须说明紧急情况", "reason_required", "reason")
    today = timezone.localdate()
    deadline = working_day_deadline(today, settings.EMERGENCY_APPROVAL_WORKING_DAYS)
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=K.EMERGENCY_START,
        content={
            **approval_form(inspection),
            "reason": reason,
            "approval_due": deadline.due.isoformat(),
            "working_days": settings.EMERGENCY_APPROVAL_WORKING_DAYS,
            "calendar_warning": deadline.warning,
        },
        idempotency_key=idempotency_key,
    )
    inspection.approval_state = ApprovalState.EMERGENCY
    inspection.emergency_reason = reason
    inspection.emergency_started_at = record.recorded_at
    inspection.approval_due = deadline.due
    inspection.full_clean()
    inspection.save(
        update_fields=[
            "approval_state",
            "emergency_reason",
            "emergency_started_at",
            "approval_due",
            "updated_at",
        ]
    )
    record_event(
        action=FieldworkAction.EMERGENCY_START,
        actor=actor,
        obj=record,
        detail={
            "inspection": inspection.code,
            "sequence": record.sequence,
            "approval_due": deadline.due.isoformat(),
        },
    )
    return record
