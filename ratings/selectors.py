"""Reads of the ratings app, each deciding who may see what.

Only the supervisor (执法监督人员) reads a rating row (`ratings_for_supervisor`). The inspecting
department, and the public, read `aggregates`: averages over groups of at least MIN_SHOWN
ratings, never a row, never an id; a smaller group reads TOO_FEW. No selector here hands a
department a queryset of ratings.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404

from backend.accounts.roles import Role
from backend.personal_numbers import scrub
from fieldwork.models import Inspection, InspectionState
from fieldwork.selectors import get_inspection_for_user
from inspections.directory.models import InspectionItemVersion
from ratings.models import (
    MIN_SHOWN,
    TOO_FEW,
    Complaint,
    ComplaintState,
    Rating,
    RatingLink,
)

RATED_STATES = (InspectionState.CLOSED, InspectionState.ARCHIVED)


def valid_link(token: str, day: date) -> RatingLink | None:
    """The link of `token` if it may be used on `day`: issued for a closed inspection and not
    yet expired. A used link is still returned (the service refuses the second rating)."""
    if not token or len(token) > 64:
        return None
    link = (
        RatingLink.objects.select_related("inspection__task__department")
        .filter(token=token, inspection__state__in=RATED_STATES)
        .first()
    )
    if link is None or not link.is_valid_on(day):
        return None
    return link


def is_used(link: RatingLink) -> bool:
    """For the firm holding the link only (the public page): never shown to the department."""
    return Rating.objects.filter(inspection_id=link.inspection_id).exists()


def link_for_user(user, inspection_pk: int) -> tuple[Inspection, RatingLink]:
    """The rating link of an inspection the user may see (to print it for the firm); 404 if the
    inspection is not theirs or has no link (not closed)."""
    inspection = get_inspection_for_user(user, inspection_pk)
    link = RatingLink.objects.filter(inspection=inspection).first()
    if link is None:
        raise Http404("该检查尚未办结，没有企业评价链接")
    return inspection, link


def masked(text: str) -> str:
    """A rating's or complaint's free text as shown anywhere: ID and phone numbers masked."""
    return scrub(text) if text else ""


# -- the supervisor --------------------------------------------------------------------------


def is_supervisor(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.SUPERVISOR)
    )


def ratings_for_supervisor(user) -> QuerySet[Rating]:
    """Every rating, with its inspection, for the supervisor; anyone else is refused."""
    if not is_supervisor(user):
        raise PermissionDenied("只有执法监督人员可以查看单条企业评价")
    return Rating.objects.select_related("department", "inspection").prefetch_related("items")


def get_rating_for_supervisor(user, pk: int) -> Rating:
    try:
        return ratings_for_supervisor(user).get(pk=pk)
    except Rating.DoesNotExist:
        raise Http404("未找到该评价") from None


def search_ratings(
    ratings: QuerySet[Rating],
    *,
    q: str = "",
    department: str = "",
    overall: str = "",
    favours: str = "",
    year: str = "",
) -> QuerySet[Rating]:
    if q:
        ratings = ratings.filter(
            Q(inspection__code__icontains=q)
            | Q(inspection__firm_name__icontains=q)
            | Q(comment__icontains=q)
            | Q(favours_detail__icontains=q)
        )
    if department:
        ratings = ratings.filter(department__code=department)
    if overall in {"1", "2", "3", "4", "5"}:
        ratings = ratings.filter(overall=int(overall))
    if favours == "yes":
        ratings = ratings.filter(asked_for_favours=True)
    if year.isdigit() and len(year) == 4:
        ratings = ratings.filter(year=int(year))
    return ratings


# -- complaints ------------------------------------------------------------------------------


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """The supervisor: every complaint. A department administrator: those addressed to their
    department (without the rating: the complaint's own text only). Anyone else: none."""
    complaints = Complaint.objects.select_related("department").prefetch_related("answers")
    if is_supervisor(user):
        return complaints.select_related("rating")
    if (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.DEPARTMENT_ADMIN)
    ):
        return complaints.filter(department_id=user.department_id)
    return complaints.none()


def get_complaint_for_user(user, pk: int) -> Complaint:
    try:
        return complaints_visible_to(user).get(pk=pk)
    except Complaint.DoesNotExist:
        raise Http404("未找到该投诉") from None


def search_complaints(
    complaints: QuerySet[Complaint],
    *,
    today: date,
    q: str = "",
    state: str = "",
    department: str = "",
) -> QuerySet[Complaint]:
    if q:
        complaints = complaints.filter(Q(number__icontains=q) | Q(subject__icontains=q))
    if state == "overdue":
        complaints = complaints.filter(state=ComplaintState.OPEN, due_on__lt=today)
    elif state in ComplaintState.values:
        complaints = complaints.filter(state=state)
    if department:
        complaints = complaints.filter(department__code=department)
    return complaints


# -- aggregates: what the department and the public see ------------------------------------


@dataclass(frozen=True)
class Aggregate:
    """One group of ratings: shown only when `count` reaches MIN_SHOWN."""

    label: str
    count: int
    average: float | None
    certificates_share: float | None
    rights_share: float | None
    favours: int | None
    # The supervisor's statistics show every group, however small.
    always: bool = False

    @property
    def shown(self) -> bool:
        return self.always or self.count >= MIN_SHOWN

    @property
    def too_few(self) -> str:
        return "" if self.shown else str(TOO_FEW)


def _aggregate(label: str, row: dict, *, always: bool = False) -> Aggregate:
    count = row["count"]
    if count < MIN_SHOWN and not always:
        return Aggregate(label, count, None, None, None, None)
    return Aggregate(
        label=label,
        count=count,
        average=round(row["average"], 2) if count else None,
        certificates_share=round(100 * row["certificates"] / count, 1) if count else None,
        rights_share=round(100 * row["rights"] / count, 1) if count else None,
        favours=row["favours"],
        always=always,
    )


_MEASURES = {
    "count": Count("pk", distinct=True),
    "average": Avg("overall"),
    "certificates": Count("pk", filter=Q(certificates_shown=True), distinct=True),
    "rights": Count("pk", filter=Q(rights_explained=True), distinct=True),
    "favours": Count("pk", filter=Q(asked_for_favours=True), distinct=True),
}


def aggregates(ratings: QuerySet[Rating], by: str, *, always: bool = False) -> list[Aggregate]:
    """Groups of `ratings` by "department", "item", "month" or "all". Below MIN_SHOWN a group
    carries its count only, unless `always` (the supervisor's statistics)."""
    ratings = ratings.order_by()
    if by == "all":
        return [_aggregate("全部", ratings.aggregate(**_MEASURES), always=always)]
    if by == "department":
        keys = ("department__name",)
    elif by == "item":
        keys = ("items__id", "items__code")
    elif by == "month":
        keys = ("year", "month")
    else:
        raise ValueError(by)
    rows = list(ratings.values(*keys).annotate(**_MEASURES).order_by(*keys))
    names = item_names({row["items__id"] for row in rows} - {None}) if by == "item" else {}
    out = []
    for row in rows:
        if by == "department":
            label = row["department__name"]
        elif by == "item":
            if row["items__id"] is None:
                continue
            label = f"{names.get(row['items__id'], '')}（{row['items__code']}）"
        else:
            label = f"{row['year']}年{row['month']}月"
        out.append(_aggregate(label, row, always=always))
    return out


def item_names(ids) -> dict[int, str]:
    """The name of each item as its latest version reads."""
    names = {}
    versions = InspectionItemVersion.objects.filter(item_id__in=ids).order_by("item_id", "number")
    for item_id, name in versions.values_list("item_id", "name"):
        names[item_id] = name
    return names


def department_aggregates(user, *, year: int | None = None) -> dict[str, list[Aggregate]]:
    """The inspecting department's own ratings, as aggregates only (its administrator)."""
    if not user.has_role(Role.DEPARTMENT_ADMIN):
        raise PermissionDenied("只有部门管理员可以查看本部门的评价汇总")
    ratings = Rating.objects.filter(department_id=user.department_id)
    if year:
        ratings = ratings.filter(year=year)
    return {
        "all": aggregates(ratings, "all"),
        "month": aggregates(ratings, "month"),
        "item": aggregates(ratings, "item"),
    }


def public_aggregates(*, year: int | None = None) -> dict[str, list[Aggregate]]:
    """For the portal: per department and per item, groups of at least MIN_SHOWN only."""
    ratings = Rating.objects.all()
    if year:
        ratings = ratings.filter(year=year)
    return {
        "department": [a for a in aggregates(ratings, "department") if a.shown],
        "item": [a for a in aggregates(ratings, "item") if a.shown],
        "all": aggregates(ratings, "all"),
    }


def rating_years() -> list[int]:
    return sorted(set(Rating.objects.values_list("year", flat=True)), reverse=True)
