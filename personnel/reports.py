"""The personnel reports: certificates about to expire, training shortfalls, exam pass rates.

Each takes an officer or certificate queryset already scoped to the viewer (see selectors).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from personnel.models import (
    ON_ROSTER,
    Certificate,
    CertificateStatus,
    Officer,
    QualificationExam,
)

EXPIRY_HORIZON_DAYS = 90


def expiring_certificates(
    certificates: QuerySet[Certificate], *, today: date, days: int = EXPIRY_HORIZON_DAYS
) -> QuerySet[Certificate]:
    """Valid certificates whose last day falls within the next `days` days (today included)."""
    return (
        certificates.filter(
            status=CertificateStatus.VALID,
            valid_to__gte=today,
            valid_to__lte=today + timedelta(days=days),
        )
        .select_related("officer__department")
        .order_by("valid_to", "number")
    )


@dataclass(frozen=True)
class TrainingShortfall:
    officer: Officer
    hours: Decimal
    minimum: Decimal

    @property
    def missing(self) -> Decimal:
        return self.minimum - self.hours


def training_shortfalls(officers: QuerySet[Officer], *, year: int) -> list[TrainingShortfall]:
    """Officers on the roster whose training hours in `year` are below their department's
    minimum, fewest hours first."""
    rows = (
        officers.filter(status__in=ON_ROSTER)
        .annotate(
            year_hours=Coalesce(
                Sum("trainings__hours", filter=Q(trainings__training_date__year=year)),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=7, decimal_places=1),
            )
        )
        .select_related("department")
        .order_by("year_hours", "department__code", "name", "pk")
    )
    return [
        TrainingShortfall(officer, officer.year_hours, officer.department.training_min_hours)
        for officer in rows
        if officer.year_hours < officer.department.training_min_hours
    ]


@dataclass(frozen=True)
class PassRate:
    department_code: str
    department_name: str
    year: int
    sat: int
    passed: int

    @property
    def rate(self) -> Decimal | None:
        """Percentage of the officers who sat that passed, to one decimal; None if none sat."""
        if not self.sat:
            return None
        return (Decimal(100) * self.passed / self.sat).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def exam_pass_rates(officers: QuerySet[Officer]) -> list[PassRate]:
    """Per department and year: how many officers sat the exam, how many passed (at least one
    sitting that year), newest year first. Counting officers rather than sittings is what the
    annual rule-of-law report quotes ("执法人员行政执法资格考试通过率")."""
    rows = (
        QualificationExam.objects.filter(officer__in=officers)
        .annotate(year=ExtractYear("exam_date"))
        .values("officer__department__code", "officer__department__name", "year")
        .annotate(
            sat=Count("officer", distinct=True),
            passed_count=Count("officer", distinct=True, filter=Q(passed=True)),
        )
        .order_by("-year", "officer__department__code")
    )
    return [
        PassRate(
            department_code=row["officer__department__code"],
            department_name=row["officer__department__name"],
            year=row["year"],
            sat=row["sat"],
            passed=row["passed_count"],
        )
        for row in rows
    ]
