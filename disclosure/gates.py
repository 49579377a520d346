"""What the legal-review app says about an inspection, read in one place.

Legal review (`legalreview`) may block a publication, and a 许可 or 处罚 decision issued for an
inspection shortens the time within which its result must be public (7 working days from the
decision instead of 20 from the review). The disclosure app asks here and nowhere else.
"""

from datetime import date

from django.utils import timezone

from disclosure.models import DecisionKind
from fieldwork.models import Inspection
from legalreview import gates
from legalreview.models import DecisionState, DecisionType, LegalReview

_KINDS = {DecisionType.PENALTY: DecisionKind.PENALTY, DecisionType.LICENSE: DecisionKind.LICENSE}


def publication_blockers(inspection: Inspection) -> list[str]:
    """Why legal review does not let the inspection's result be published yet (Chinese)."""
    return gates.publication_blockers(inspection)


def issued_decisions(inspection: Inspection) -> list[tuple[str, date]]:
    """The inspection's issued 许可 and 处罚 decisions: (DecisionKind, the day it was issued)."""
    issued = inspection.decisions.filter(
        state=DecisionState.ISSUED, decision_type__in=list(_KINDS)
    ).values_list("decision_type", "issued_at")
    return [(_KINDS[kind], timezone.localdate(at)) for kind, at in issued if at is not None]


def legal_reviews_held(year: int) -> int:
    """Legal reviews that gave their opinion (同意 or 存在问题) in `year`."""
    return LegalReview.objects.filter(decided_at__year=year).count()
