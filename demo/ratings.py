"""企业评价 in the demo: two firms whose inspections of last year were closed rated them on 25 July
of last year (`demo.clock`), and the supervisor (sf_supervisor, 市司法局) has opened one
complaint on the lower rating the day the demo is seeded, which KJ has yet to answer.
Idempotent: a firm that has rated is not asked again, and the complaint is opened once."""

from datetime import date

from django.utils import timezone

from demo import clock
from demo.accounts import account
from fieldwork.models import Inspection, InspectionState
from ratings.models import Complaint, Rating, RatingLink
from ratings.services import open_complaint, submit_rating

ANSWERS = [
    {
        "overall": 5,
        "certificates_shown": True,
        "rights_explained": True,
        "visit_length": "under_1h",
        "asked_for_favours": False,
        "comment": "检查人员主动出示执法证件，说明了检查依据，流程规范，用时不长。",
    },
    {
        "overall": 2,
        "certificates_shown": True,
        "rights_explained": False,
        "visit_length": "day",
        "asked_for_favours": False,
        "comment": "检查持续了一整天，未告知我单位可以陈述申辩，希望改进。",
    },
]
SUBJECT = (
    "检查对象反映：现场检查持续约一整天，检查人员未告知其陈述、申辩等权利。"
    "请说明本次检查用时较长的原因及权利告知情况，并提出改进措施。"
)


def seed_ratings() -> dict[str, int]:
    created = {"企业评价": 0}
    with clock.on(date(clock.last_year(), 7, 25), 10):
        _rate(created)
    return created


def _rate(created: dict[str, int]) -> None:
    closed = Inspection.objects.filter(
        state__in=[InspectionState.CLOSED, InspectionState.ARCHIVED]
    ).order_by("code")
    links = list(RatingLink.objects.filter(inspection__in=closed).order_by("inspection__code"))
    today = timezone.localdate()
    for link, answers in zip(links, ANSWERS, strict=False):
        if Rating.objects.filter(inspection_id=link.inspection_id).exists():
            continue
        if not link.is_valid_on(today):  # the demo was closed long ago: nothing to rate now
            continue
        submit_rating(token=link.token, **answers)
        created["企业评价"] += 1


def seed_complaints() -> dict[str, int]:
    created = {"投诉": 0}
    supervisor = account("sf_supervisor")
    low = Rating.objects.filter(overall__lte=2).order_by("pk").first()
    if supervisor is not None and low is not None and not Complaint.objects.exists():
        open_complaint(actor=supervisor, rating=low, subject=SUBJECT)
        created["投诉"] += 1
    return created
