"""The legal reviewer's opinion, and the one extension of the time limit.

The opinion checks every point of `ReviewPoint`, each recorded with its note: 同意 approves the
decision; 存在问题, with reasons, returns it for resubmission (a new round). The opinion is
appended to the inspection's whole-process record (kind 法制审核), so it is part of the chain.
"""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.services import record_event
from backend.text import chinese_date
from fieldwork import chain
from fieldwork.access import lock_inspection
from fieldwork.models import InspectionState, RecordKind
from fieldwork.services.records import append_record
from legalreview.access import may_extend, require_reviewer
from legalreview.actions import LegalReviewAction
from legalreview.deadlines import review_deadline
from legalreview.models import (
    EXTENSION_DAYS,
    Decision,
    DecisionState,
    LegalReview,
    ReviewOutcome,
    ReviewPoint,
    point_answers,
)


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _locked(review: LegalReview) -> LegalReview:
    review = (
        LegalReview.objects.select_for_update(of=("self",))
        .select_related("decision", "decision__inspection", "decision__department")
        .get(pk=review.pk)
    )
    # The decision's row too: its state moves with the round's outcome.
    review.decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("inspection", "department")
        .get(pk=review.decision_id)
    )
    return review


def _require_open(review: LegalReview) -> None:
    if not review.is_open:
        raise _refuse(
            f"第{review.round}轮审核已于{timezone.localtime(review.decided_at):%Y-%m-%d %H:%M}"
            f"出具意见（{review.get_outcome_display()}），不能再次审核",
            "already_decided",
        )


def _clean_checks(checks: Mapping[str, Mapping], outcome: str) -> list[dict]:
    """Every point answered (holds or not), a note on every point that does not hold, and an
    answer consistent with the outcome."""
    missing = [str(p.label) for p in ReviewPoint if p.value not in checks]
    if missing:
        raise _refuse(f"审核要点未填写：{'；'.join(missing)}", "point_missing", "checks")
    cleaned = []
    for point in ReviewPoint:
        answer = checks[point.value]
        ok = answer.get("ok")
        if not isinstance(ok, bool):
            raise _refuse(f"请选择“{point.label}”的审核结论", "point_missing", "checks")
        note = (answer.get("note") or "").strip()
        if not ok and not note:
            raise _refuse(f"“{point.label}”存在问题的，须写明具体问题", "note_required", "checks")
        holds, fails = point_answers(point)
        cleaned.append(
            {
                "point": point.value,
                "label": str(point.label),
                "ok": ok,
                "answer": holds if ok else fails,
                "note": note,
            }
        )
    problems = [c for c in cleaned if not c["ok"]]
    if outcome == ReviewOutcome.APPROVED and problems:
        names = "；".join(c["label"] for c in problems)
        raise _refuse(
            f"审核要点存在问题的，不能出具同意意见：{names}", "approved_with_problems", "outcome"
        )
    if outcome == ReviewOutcome.PROBLEMS and not problems:
        raise _refuse(
            "审核意见为存在问题的，请在审核要点中指出存在问题的方面", "no_problem_named", "checks"
        )
    return cleaned


@transaction.atomic
def give_opinion(
    *,
    actor,
    review: LegalReview,
    outcome: str,
    checks: Mapping[str, Mapping],
    reasons: str = "",
    opinion: str = "",
) -> LegalReview:
    """The reviewer's written opinion on one round: 同意, or 存在问题 with reasons (returned)."""
    review = _locked(review)
    decision = review.decision
    require_reviewer(actor, decision)
    _require_open(review)
    if outcome not in (ReviewOutcome.APPROVED, ReviewOutcome.PROBLEMS):
        raise _refuse("请选择审核意见：同意或存在问题", "outcome_required", "outcome")
    reasons, opinion = (reasons or "").strip(), (opinion or "").strip()
    if outcome == ReviewOutcome.PROBLEMS and not reasons:
        raise _refuse("审核意见为存在问题的，须写明问题及理由", "reasons_required", "reasons")
    cleaned = _clean_checks(checks, outcome)
    inspection = lock_inspection(decision.inspection)
    if inspection.state == InspectionState.ARCHIVED:
        raise _refuse("检查已归档，不能再记录法制审核意见", "archived")
    deadline = review_deadline(review)
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=RecordKind.LEGAL_REVIEW,
        content={
            "decision": decision.number,
            "title": decision.title,
            "decision_type": decision.decision_type,
            "round": review.round,
            "outcome": outcome,
            "outcome_label": str(ReviewOutcome(outcome).label),
            "checks": cleaned,
            "reasons": reasons,
            "opinion": opinion,
            "reviewer": str(actor),
            "submitted_on": review.submitted_on.isoformat(),
            "due_on": deadline.due.isoformat(),
            # Ties the opinion to exactly the package this round received.
            "package_hash": chain.content_hash(review.package),
        },
    )
    review.outcome = outcome
    review.checks = cleaned
    review.reasons = reasons
    review.opinion = opinion
    review.reviewer = actor
    review.decided_at = record.recorded_at
    review.record = record
    review.full_clean()
    review.save(
        update_fields=[
            "outcome",
            "checks",
            "reasons",
            "opinion",
            "reviewer",
            "decided_at",
            "record",
        ]
    )
    approved = outcome == ReviewOutcome.APPROVED
    decision.state = DecisionState.APPROVED if approved else DecisionState.RETURNED
    decision.full_clean(exclude=["evidence"])
    decision.save(update_fields=["state", "updated_at"])
    record_event(
        action=LegalReviewAction.REVIEW_OPINION,
        actor=actor,
        obj=review,
        detail={
            "decision": decision.number,
            "round": review.round,
            "outcome": outcome,
            "inspection": inspection.code,
            "sequence": record.sequence,
            "late": timezone.localdate(record.recorded_at) > deadline.due,
        },
    )
    return review


@transaction.atomic
def extend_review(*, actor, review: LegalReview, reason: str) -> LegalReview:
    """Extend the time limit by 3 working days, once, with a reason."""
    review = _locked(review)
    if not may_extend(actor, review):
        raise PermissionDenied(
            f"只有{review.decision.department.name}的法制审核人员或部门管理员可以延长审核期限"
        )
    _require_open(review)
    if review.is_extended:
        raise _refuse(
            f"审核期限只能延长一次，已于{chinese_date(timezone.localtime(review.extended_at))}延长",
            "already_extended",
        )
    reason = (reason or "").strip()
    if not reason:
        raise _refuse("延长审核期限须说明理由", "reason_required", "reason")
    before = review_deadline(review)
    review.extension_days = EXTENSION_DAYS
    review.extension_reason = reason
    review.extended_at = timezone.now()
    review.extended_by = actor
    review.full_clean()
    review.save(update_fields=["extension_days", "extension_reason", "extended_at", "extended_by"])
    after = review_deadline(review)
    record_event(
        action=LegalReviewAction.REVIEW_EXTEND,
        actor=actor,
        obj=review,
        detail={
            "decision": review.decision.number,
            "round": review.round,
            "reason": reason,
            "due_before": before.due,
            "due_after": after.due,
            "approximate": after.approximate,
        },
    )
    return review
