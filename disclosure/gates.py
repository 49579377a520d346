"""What the legal-review app says about an inspection, read in one place.

Legal review (`legalreview`) may block a publication, and a 许可 or 处罚 decision issued for an
inspection shortens the time within which its result must be public (7 working days from the
decision instead of 20 from the review). The disclosure app asks here and nowhere else.
"""

from datetime import date

from django.apps import apps
from django.utils import timezone

from disclosure.models import DecisionKind
from fieldwork.models import Inspection, InspectionRecord, RecordKind


def publication_blockers(inspection: Inspection) -> list[str]:
    """Why legal review does not let the inspection's result be published yet (Chinese)."""
    if not apps.is_installed("legalreview"):
        return []
    from legalreview.gates import publication_blockers as blockers

    return blockers(inspection)


def issued_decisions(inspection: Inspection) -> list[tuple[str, date]]:
    """The inspection's issued 许可 and 处罚 decisions: (DecisionKind, the day it was issued)."""
    if not apps.is_installed("legalreview"):
        return []
    from legalreview.models import DecisionState, DecisionType

    kinds = {DecisionType.PENALTY: DecisionKind.PENALTY, DecisionType.LICENSE: DecisionKind.LICENSE}
    issued = inspection.decisions.filter(
        state=DecisionState.ISSUED, decision_type__in=list(kinds)
    ).values_list("decision_type", "issued_at")
    return [(kinds[kind], timezone.localdate(at)) for kind, at in issued if at is not None]


def legal_reviews_held(year: int) -> int:
    """Legal reviews that gave their opinion (同意 or 存在问题) in `year`.

    Counted from the legal-review app when it is installed; otherwise from the legal-review
    records of the inspections' whole-process record.
    """
    if apps.is_installed("legalreview"):
        from legalreview.models import LegalReview

        return LegalReview.objects.filter(decided_at__year=year).count()
    return InspectionRecord.objects.filter(
        kind=RecordKind.LEGAL_REVIEW, corrects__isnull=True, occurred_at__year=year
    ).count()
