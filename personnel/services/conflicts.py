"""Conflicts of interest (回避) and parties' recusal requests."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.audit.services import record_event
from personnel.access import ensure_manages
from personnel.actions import PersonnelAction, officer_audit_detail
from personnel.checks import normalised_uscc, require_reason
from personnel.models import (
    ConflictOfInterest,
    ConflictSource,
    Officer,
    RecusalDecision,
    RecusalRequest,
)


@transaction.atomic
def declare_conflict(
    *,
    actor: User | None,
    officer: Officer,
    firm_uscc: str,
    relation: str,
    source: str,
    valid_from: date,
    valid_to: date | None = None,
    firm_name: str = "",
    note: str = "",
) -> ConflictOfInterest:
    """Record an officer's interest in a firm, declared by the officer or found by review."""
    ensure_manages(actor, officer.department)
    if source == ConflictSource.PARTY_REQUEST:
        # A party's request carries the department head's decision: see decide_recusal_request.
        raise ValidationError(
            {"source": "当事人申请回避的，请录入回避申请及部门负责人的决定"},
            code="use_recusal_request",
        )
    conflict = ConflictOfInterest(
        officer=officer,
        firm_uscc=normalised_uscc(firm_uscc),
        firm_name=firm_name.strip(),
        relation=relation,
        source=source,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip(),
        recorded_by=actor,
    )
    conflict.full_clean()
    conflict.save(force_insert=True)
    record_event(
        action=PersonnelAction.CONFLICT_DECLARE,
        actor=actor,
        obj=conflict,
        detail=officer_audit_detail(
            officer, firm_uscc=conflict.firm_uscc, relation=relation, source=source
        ),
    )
    return conflict


@transaction.atomic
def file_recusal_request(
    *,
    actor: User | None,
    officer: Officer,
    firm_uscc: str,
    firm_name: str,
    requested_on: date,
    grounds: str,
) -> RecusalRequest:
    """Record a party's request that `officer` withdraw (当事人申请回避), pending a decision."""
    ensure_manages(actor, officer.department)
    recusal = RecusalRequest(
        officer=officer,
        firm_uscc=normalised_uscc(firm_uscc),
        firm_name=firm_name.strip(),
        requested_on=requested_on,
        grounds=grounds.strip(),
        recorded_by=actor,
    )
    recusal.full_clean()
    recusal.save(force_insert=True)
    record_event(
        action=PersonnelAction.RECUSAL_FILE,
        actor=actor,
        obj=recusal,
        detail=officer_audit_detail(officer, firm_uscc=recusal.firm_uscc),
    )
    return recusal


@transaction.atomic
def decide_recusal_request(
    *,
    actor: User | None,
    recusal: RecusalRequest,
    granted: bool,
    decided_by: str,
    decided_on: date,
    reason: str,
    relation: str = "other",
    valid_to: date | None = None,
) -> RecusalRequest:
    """Record the department head's decision. Granting it creates the conflict of interest
    (from the day of the request), so the draw will not send the officer to that firm."""
    recusal = (
        RecusalRequest.objects.select_for_update()
        .select_related("officer__department")
        .get(pk=recusal.pk)
    )
    ensure_manages(actor, recusal.officer.department)
    reason = require_reason(reason)
    if recusal.decision != RecusalDecision.PENDING:
        raise ValidationError("该回避申请已作出决定，不能再次决定", code="already_decided")
    if not decided_by.strip():
        raise ValidationError({"decided_by": "请填写作出决定的部门负责人"}, code="head_required")
    if decided_on < recusal.requested_on:
        raise ValidationError({"decided_on": "决定日期不能早于申请日期"}, code="decided_before")
    if granted:
        conflict = ConflictOfInterest(
            officer=recusal.officer,
            firm_uscc=recusal.firm_uscc,
            firm_name=recusal.firm_name,
            relation=relation,
            source=ConflictSource.PARTY_REQUEST,
            valid_from=recusal.requested_on,
            valid_to=valid_to,
            note=reason,
            recorded_by=actor,
        )
        conflict.full_clean()
        conflict.save(force_insert=True)
        recusal.conflict = conflict
    recusal.decision = RecusalDecision.GRANTED if granted else RecusalDecision.REFUSED
    recusal.decided_by = decided_by.strip()
    recusal.decided_on = decided_on
    recusal.decision_reason = reason
    recusal.full_clean()
    recusal.save(
        update_fields=["decision", "decided_by", "decided_on", "decision_reason", "conflict"]
    )
    record_event(
        action=PersonnelAction.RECUSAL_DECIDE,
        actor=actor,
        obj=recusal,
        detail=officer_audit_detail(
            recusal.officer,
            firm_uscc=recusal.firm_uscc,
            decision=recusal.decision,
            decided_by=recusal.decided_by,
            conflict=recusal.conflict_id,
        ),
    )
    return recusal
