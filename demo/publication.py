"""Last year's results published (事后公示) on 29 June of last year, by the bureau's department
administrator, through the disclosure service: once the referral's decision is approved in legal
review and every follow-up is opened. Last year's statistics (/public/statistics/) and the firms'
pages then show the year. Idempotent: published results are not published again."""

from datetime import date

from django.db import transaction

from demo import clock
from demo.accounts import account
from demo.plans import joint_task_code
from disclosure.models import PublishedResult
from disclosure.services import publish_results
from fieldwork.models import Inspection, InspectionState

S = InspectionState


@transaction.atomic
def seed_publication() -> dict[str, int]:
    created = {"公示的检查结果": 0}
    head = account("kj_admin")
    waiting = list(
        Inspection.objects.filter(
            task__code=joint_task_code(), state__in=[S.REVIEWED, S.CLOSED, S.ARCHIVED]
        )
        .exclude(pk__in=PublishedResult.objects.values("inspection_id"))
        .order_by("code")
    )
    if head is None or not waiting:
        return created
    with clock.on(date(clock.last_year(), 6, 29), 10):
        created["公示的检查结果"] = len(publish_results(actor=head, inspections=waiting))
    return created
