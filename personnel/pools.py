"""The three pools: views of the same officer directory, for a given date.

- 行政执法类公务员库: officers of the 行政执法类 civil-service category;
- 具备行政执法资格人员库: officers holding a certificate valid on that date, any category;
- 从事日常监管工作的人员: the routine-supervision staff.

All three count officers still on the roster (在岗 or 离岗); 调离 and 退休 have left every pool.
An officer can be in two pools at once (a civil servant with a valid certificate).
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from backend.organisation.models import Department
from personnel.models import (
    ON_ROSTER,
    Certificate,
    CertificateStatus,
    Officer,
    OfficerCategory,
)


class Pool(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("行政执法类公务员库")
    CERTIFIED = "certified", _("具备行政执法资格人员库")
    ROUTINE = "routine", _("从事日常监管工作的人员")


def certificates_valid_on(on: date) -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        status=CertificateStatus.VALID, valid_from__lte=on, valid_to__gte=on
    )


def holds_valid_certificate(on: date) -> Exists:
    return Exists(certificates_valid_on(on).filter(officer=OuterRef("pk")))


def in_pool(officers: QuerySet[Officer], pool: str, *, on: date) -> QuerySet[Officer]:
    """The officers of `officers` (already scoped to the viewer) who are in `pool` on `on`."""
    officers = officers.filter(status__in=ON_ROSTER)
    if pool == Pool.CIVIL_SERVANT:
        return officers.filter(category=OfficerCategory.CIVIL_SERVANT)
    if pool == Pool.CERTIFIED:
        return officers.filter(holds_valid_certificate(on))
    if pool == Pool.ROUTINE:
        return officers.filter(category=OfficerCategory.ROUTINE)
    raise ValueError(f"unknown pool {pool!r}")


@dataclass(frozen=True)
class PoolCounts:
    department: Department
    on_roster: int
    civil_servant: int
    certified: int
    routine: int

    def count(self, pool: str) -> int:
        return getattr(self, pool)


def pool_counts(departments: QuerySet[Department], *, on: date) -> list[PoolCounts]:
    """Per department (every one of `departments`, empty ones included), in one query."""
    rows = (
        Officer.objects.filter(department__in=departments, status__in=ON_ROSTER)
        .annotate(certified=holds_valid_certificate(on))
        .values("department")
        .annotate(
            on_roster=Count("pk"),
            civil_servant=Count("pk", filter=Q(category=OfficerCategory.CIVIL_SERVANT)),
            certified_count=Count("pk", filter=Q(certified=True)),
            routine=Count("pk", filter=Q(category=OfficerCategory.ROUTINE)),
        )
        .order_by()
    )
    by_department = {row["department"]: row for row in rows}
    counts = []
    for department in departments.order_by("code"):
        row = by_department.get(department.pk, {})
        counts.append(
            PoolCounts(
                department=department,
                on_roster=row.get("on_roster", 0),
                civil_servant=row.get("civil_servant", 0),
                certified=row.get("certified_count", 0),
                routine=row.get("routine", 0),
            )
        )
    return counts
