"""Who sees which decisions and review rounds; the reviewer's queue and the department's view,
each round with its deadline (and the calendar's fallback warning) and whether it is overdue."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from backend.accounts.roles import Role
from backend.workdays.calendar import Deadline
from backend.workdays.selectors import workday_calendar
from fieldwork.selectors import inspections_visible_to
from legalreview.access import recusal_reasons
from legalreview.deadlines import is_overdue, review_deadline
from legalreview.models import (
    CatalogueEntry,
    Decision,
    DecisionState,
    LegalReview,
    ReviewOutcome,
)

_DEPARTMENT_ROLES = (Role.PLANNER, Role.DEPARTMENT_ADMIN, Role.LEGAL_REVIEWER)


def decisions_visible_to(user) -> QuerySet[Decision]:
    """Inspectors: the decisions of the inspections whose team they sit on. Planners,
    department administrators and legal reviewers: their own department's decisions. The
    audit administrator: all (read-only). Anyone else: none."""
    decisions = Decision.objects.select_related(
        "inspection", "department", "enforcement_field", "drafted_by"
    )
    if user is None or not user.is_authenticated or not user.is_active:
        return decisions.none()
    if user.has_role(Role.AUDIT_ADMIN):
        return decisions
    visible = inspections_visible_to(user).values("pk")
    if user.has_role(Role.INSPECTOR):
        return decisions.filter(inspection__in=visible)
    if user.has_role(*_DEPARTMENT_ROLES):
        return decisions.filter(inspection__in=visible, department_id=user.department_id)
    return decisions.none()


def decisions_of_inspection(*, user, inspection) -> list[Decision]:
    """The inspection's decisions that `user` may open, oldest first: for the inspection's page,
    which fieldwork shows (registered with fieldwork.decisions by LegalreviewConfig.ready())."""
    return list(decisions_visible_to(user).filter(inspection=inspection).order_by("pk"))


def get_decision_for_user(user, pk: int) -> Decision:
    try:
        return decisions_visible_to(user).get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404("未找到该执法决定") from None


def reviews_visible_to(user) -> QuerySet[LegalReview]:
    return LegalReview.objects.filter(decision__in=decisions_visible_to(user).values("pk"))


def get_review_for_user(user, pk: int) -> LegalReview:
    try:
        return (
            reviews_visible_to(user)
            .select_related("decision", "decision__inspection", "decision__department")
            .get(pk=pk)
        )
    except LegalReview.DoesNotExist:
        raise Http404("未找到该法制审核") from None


@dataclass
class RoundRow:
    """A review round as the lists show it."""

    review: LegalReview
    deadline: Deadline
    overdue: bool
    recusal: list[str] = field(default_factory=list)


def _rows(reviews, user=None) -> list[RoundRow]:
    calendar = workday_calendar()  # one load for the whole list
    today = timezone.localdate()
    rows = []
    for review in reviews:
        deadline = review_deadline(review, calendar)
        rows.append(
            RoundRow(
                review=review,
                deadline=deadline,
                overdue=review.is_open and is_overdue(deadline, today),
                recusal=recusal_reasons(user, review.decision) if user is not None else [],
            )
        )
    return rows


def _open_rounds(department_id: int) -> QuerySet[LegalReview]:
    return (
        LegalReview.objects.filter(
            outcome=ReviewOutcome.PENDING, decision__department_id=department_id
        )
        .select_related("decision", "decision__inspection", "submitted_by")
        .order_by("submitted_on", "pk")
    )


def review_queue(user) -> list[RoundRow]:
    """A legal reviewer's queue: the department's open rounds, the earliest deadline first,
    each marked overdue or recused for this reviewer."""
    if not user.has_role(Role.LEGAL_REVIEWER):
        return []
    rows = _rows(_open_rounds(user.department_id), user)
    return sorted(rows, key=lambda row: (row.deadline.due, row.review.pk))


def recent_opinions(user, limit: int = 20) -> list[RoundRow]:
    reviews = (
        reviews_visible_to(user)
        .exclude(outcome=ReviewOutcome.PENDING)
        .select_related("decision", "decision__inspection", "reviewer")
        .order_by("-decided_at")[:limit]
    )
    return _rows(reviews)


def rounds_of(decision: Decision) -> list[RoundRow]:
    reviews = decision.reviews.select_related("submitted_by", "reviewer", "extended_by", "record")
    return _rows(reviews.order_by("round"))


@dataclass
class DepartmentView:
    in_review: list[RoundRow]
    to_issue: list[Decision]
    returned: list[Decision]
    drafts: list[Decision]
    issued: list[Decision]

    @property
    def overdue(self) -> list[RoundRow]:
        return [row for row in self.in_review if row.overdue]


def department_view(user) -> DepartmentView:
    """What the department administrator follows: rounds under review (overdue first), the
    decisions waiting for the head, returned ones, drafts, and the latest issued."""
    decisions = decisions_visible_to(user).filter(department_id=user.department_id)
    rows = _rows(_open_rounds(user.department_id))
    rows.sort(key=lambda row: (not row.overdue, row.deadline.due, row.review.pk))
    return DepartmentView(
        in_review=rows,
        to_issue=list(
            decisions.filter(state__in=[DecisionState.APPROVED, DecisionState.READY]).order_by(
                "submitted_at"
            )
        ),
        returned=list(decisions.filter(state=DecisionState.RETURNED).order_by("-updated_at")),
        drafts=list(decisions.filter(state=DecisionState.DRAFT).order_by("-updated_at")),
        issued=list(decisions.filter(state=DecisionState.ISSUED).order_by("-issued_at")[:20]),
    )


def catalogue_of(user) -> QuerySet[CatalogueEntry]:
    """The user's department's catalogue, active lines first."""
    if user is None or not user.is_authenticated or not user.is_active:
        return CatalogueEntry.objects.none()
    return CatalogueEntry.objects.filter(department_id=user.department_id).select_related(
        "enforcement_field", "created_by"
    )


def package_of(decision: Decision) -> dict:
    """What the reviewer receives, as it stands now: kept with the round, so a later change to
    the decision never rewrites what an earlier round reviewed."""
    return {
        "number": decision.number,
        "title": decision.title,
        "decision_type": decision.decision_type,
        "decision_type_label": str(decision.get_decision_type_display()),
        "department": decision.department.name,
        "inspection": decision.inspection.code,
        "party": {"name": decision.inspection.firm_name, "uscc": decision.inspection.firm_uscc},
        "enforcement_field": decision.enforcement_field.name
        if decision.enforcement_field_id
        else "",
        "amount": None if decision.amount is None else str(decision.amount),
        "recipient": decision.recipient,
        "circumstances": decision.circumstances,
        "draft_text": decision.draft_text,
        "facts": decision.facts,
        "evidence": [
            {
                "sequence": r.sequence,
                "kind": r.kind,
                "kind_label": str(r.get_kind_display()),
                "content_hash": r.content_hash,
            }
            for r in decision.evidence.order_by("sequence")
        ],
        "evidence_note": decision.evidence_note,
        "legal_basis": decision.legal_basis,
        "discretion": decision.discretion,
        "drafted_by": str(decision.drafted_by),
    }
