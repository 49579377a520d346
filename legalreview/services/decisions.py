"""Drafting, submitting, issuing and withdrawing enforcement decisions.

Submission decides whether the decision needs legal review (`legalreview.triggers`): if so a
new review round opens with the package as it stands, otherwise the decision waits for the
head to issue it. Issuing goes through `legalreview.gates.issue_blockers`.
"""

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from backend.audit.services import record_event
from fieldwork.access import lock_inspection
from fieldwork.models import Inspection, InspectionRecord, InspectionState
from legalreview.access import drafting_department, require_issuer, require_writer
from legalreview.actions import LegalReviewAction
from legalreview.deadlines import review_deadline
from legalreview.gates import issue_blockers
from legalreview.models import (
    EDITABLE,
    Decision,
    DecisionState,
    DecisionType,
    LegalReview,
)
from legalreview.selectors import package_of
from legalreview.triggers import review_triggers
from personnel.models import EnforcementField

S = DecisionState
# Nothing to decide before anything was found; nothing new once the inspection is closed.
_NO_DRAFTING = (
    InspectionState.PLANNED,
    InspectionState.NOTIFIED,
    InspectionState.CLOSED,
    InspectionState.ARCHIVED,
)
CONTENT_FIELDS = [
    "decision_type",
    "title",
    "enforcement_field",
    "amount",
    "recipient",
    "public_interest",
    "hearing_held",
    "complex_case",
    "social_impact",
    "draft_text",
    "facts",
    "evidence_note",
    "legal_basis",
    "discretion",
]


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _evidence_records(inspection: Inspection, evidence: Iterable) -> list[InspectionRecord]:
    ids = sorted({getattr(item, "pk", item) for item in evidence})
    records = list(inspection.records.filter(pk__in=ids).order_by("sequence"))
    if len(records) != len(ids):
        raise _refuse("证据只能引用本检查的全过程记录", "foreign_evidence", "evidence")
    return records


@dataclass(frozen=True, kw_only=True)
class DecisionContent:
    """What the drafter writes in a decision, the same whether it is drafted or changed."""

    decision_type: str
    title: str
    draft_text: str
    facts: str
    legal_basis: str
    discretion: str = ""
    enforcement_field: EnforcementField | None = None
    amount: Decimal | None = None
    recipient: str = ""
    public_interest: bool = False
    hearing_held: bool = False
    complex_case: bool = False
    social_impact: bool = False
    evidence: Iterable = ()  # records of the inspection (or their ids)
    evidence_note: str = ""

    @classmethod
    def of(cls, decision: Decision) -> "DecisionContent":
        """The decision's content as it stands, to change a field or two of it."""
        written = {name: getattr(decision, name) for name in _WRITTEN}
        return cls(**written, evidence=tuple(decision.evidence.all()))


_WRITTEN = [f.name for f in dataclasses.fields(DecisionContent) if f.name != "evidence"]
_TRIMMED = (
    "title",
    "recipient",
    "draft_text",
    "facts",
    "evidence_note",
    "legal_basis",
    "discretion",
)


def _fill(decision: Decision, content: DecisionContent) -> None:
    for name in _WRITTEN:
        value = getattr(content, name)
        setattr(decision, name, (value or "").strip() if name in _TRIMMED else value)
    if decision.is_referral and not decision.recipient:
        raise _refuse("移送决定须写明接收机关", "recipient_required", "recipient")
    if decision.decision_type == DecisionType.PENALTY and not decision.discretion:
        raise _refuse("行政处罚决定须写明适用的裁量基准", "discretion_required", "discretion")
    if decision.amount is not None and decision.amount < 0:
        raise _refuse("金额不能为负数", "negative_amount", "amount")
    decision.full_clean(exclude=["evidence"])


def _next_number(inspection: Inspection) -> str:
    # The inspection row is locked: two drafts never take the same number.
    return f"{inspection.code}-JD{inspection.decisions.count() + 1:02d}"


@transaction.atomic
def draft_decision(
    *,
    actor,
    inspection: Inspection,
    content: DecisionContent,
) -> Decision:
    """A new draft decision for the inspection, in the drafter's department."""
    inspection = lock_inspection(inspection)
    department = drafting_department(actor, inspection)
    if inspection.state in _NO_DRAFTING:
        raise _refuse(
            f"检查{inspection.code}当前为“{inspection.get_state_display()}”，不能拟定执法决定",
            "wrong_state",
        )
    records = _evidence_records(inspection, content.evidence)
    decision = Decision(
        number=_next_number(inspection),
        inspection=inspection,
        department=department,
        drafted_by=actor,
    )
    _fill(decision, content)
    decision.save()
    decision.evidence.set(records)
    record_event(
        action=LegalReviewAction.DECISION_DRAFT,
        actor=actor,
        obj=decision,
        detail={
            "number": decision.number,
            "inspection": inspection.code,
            "decision_type": decision.decision_type,
            "evidence": [r.sequence for r in records],
        },
    )
    return decision


def _locked(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("inspection", "department", "enforcement_field")
        .get(pk=decision.pk)
    )


@transaction.atomic
def update_decision(
    *,
    actor,
    decision: Decision,
    content: DecisionContent,
) -> Decision:
    """Change a draft, or a decision returned by review, before (re)submitting it."""
    decision = _locked(decision)
    require_writer(actor, decision)
    if decision.state not in EDITABLE:
        raise _refuse(f"决定当前为“{decision.get_state_display()}”，不能修改", "not_editable")
    before = {name: getattr(decision, name) for name in CONTENT_FIELDS}
    records = _evidence_records(decision.inspection, content.evidence)
    _fill(decision, content)
    changed = [name for name in CONTENT_FIELDS if getattr(decision, name) != before[name]]
    decision.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
    previous = sorted(decision.evidence.values_list("sequence", flat=True))
    decision.evidence.set(records)
    if previous != [r.sequence for r in records]:
        changed.append("evidence")
    record_event(
        action=LegalReviewAction.DECISION_UPDATE,
        actor=actor,
        obj=decision,
        detail={"number": decision.number, "changed": changed},
    )
    return decision


@transaction.atomic
def submit_decision(*, actor, decision: Decision) -> Decision:
    """Submit the decision: to legal review when the catalogue or a statutory circumstance
    calls for it (a new round, 5 working days), otherwise straight to the head for decision."""
    decision = _locked(decision)
    require_writer(actor, decision)
    if decision.state not in (*EDITABLE, S.READY):
        raise _refuse(f"决定当前为“{decision.get_state_display()}”，不能提交", "wrong_state")
    if decision.inspection.state == InspectionState.ARCHIVED:
        raise _refuse("检查已归档，不能提交执法决定", "archived")
    now = timezone.now()
    triggers = review_triggers(decision)
    decision.triggers = triggers
    decision.submitted_at = now
    detail = {"number": decision.number, "review_required": bool(triggers), "triggers": triggers}
    if triggers:
        last = decision.reviews.aggregate(last=Max("round"))["last"] or 0
        review = LegalReview(
            decision=decision,
            round=last + 1,
            package=package_of(decision),
            triggers=triggers,
            submitted_at=now,
            submitted_on=timezone.localdate(now),
            submitted_by=actor,
        )
        review.full_clean()
        review.save()
        decision.state = S.IN_REVIEW
        deadline = review_deadline(review)
        detail.update(round=review.round, due_on=deadline.due, approximate=deadline.approximate)
    else:
        decision.state = S.READY
    decision.full_clean(exclude=["evidence"])
    decision.save(update_fields=["state", "triggers", "submitted_at", "updated_at"])
    record_event(action=LegalReviewAction.DECISION_SUBMIT, actor=actor, obj=decision, detail=detail)
    return decision


@transaction.atomic
def issue_decision(*, actor, decision: Decision, document_number: str = "") -> Decision:
    """The head makes the decision (作出决定): only once legal review, where needed, agreed."""
    decision = _locked(decision)
    require_issuer(actor, decision)
    blockers = issue_blockers(decision)
    if blockers:
        raise ValidationError(
            {
                "non_field_errors": [
                    ValidationError(f"不能作出决定：{b}", code="blocked") for b in blockers
                ]
            }
        )
    decision.state = S.ISSUED
    decision.issued_at = timezone.now()
    decision.issued_by = actor
    decision.document_number = (document_number or "").strip()
    decision.full_clean(exclude=["evidence"])
    decision.save(
        update_fields=["state", "issued_at", "issued_by", "document_number", "updated_at"]
    )
    record_event(
        action=LegalReviewAction.DECISION_ISSUE,
        actor=actor,
        obj=decision,
        detail={"number": decision.number, "document_number": decision.document_number},
    )
    return decision


@transaction.atomic
def withdraw_decision(*, actor, decision: Decision, reason: str) -> Decision:
    """Abandon a decision that will not be made; it stays, marked 已撤回, with the reason."""
    decision = _locked(decision)
    require_writer(actor, decision)
    if decision.state in (S.IN_REVIEW, S.ISSUED, S.WITHDRAWN):
        raise _refuse(f"决定当前为“{decision.get_state_display()}”，不能撤回", "wrong_state")
    reason = (reason or "").strip()
    if not reason:
        raise _refuse("请填写撤回原因", "reason_required", "reason")
    decision.state = S.WITHDRAWN
    decision.withdrawn_at = timezone.now()
    decision.withdraw_reason = reason
    decision.full_clean(exclude=["evidence"])
    decision.save(update_fields=["state", "withdrawn_at", "withdraw_reason", "updated_at"])
    record_event(
        action=LegalReviewAction.DECISION_WITHDRAW,
        actor=actor,
        obj=decision,
        detail={"number": decision.number, "reason": reason},
    )
    return decision
