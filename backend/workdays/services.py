"""The product's working-day calendar: entered years first, then the package, then weekdays."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.audit.services import record_event
from backend.workdays.actions import CalendarAction
from backend.workdays.models import CalendarDay, CalendarYear, DayKind


@transaction.atomic
def enter_year(
    *,
    actor,
    year: int,
    source_document: str,
    holidays: list[tuple[date, str]],
    workdays: list[tuple[date, str]],
) -> CalendarYear:
    """Record (or replace) a year's schedule. Replacing is allowed: the State Council sometimes
    corrects a schedule; the audit trail keeps what each version said."""
    clash = {d for d, _ in holidays} & {d for d, _ in workdays}
    if clash:
        listed = "、".join(str(d) for d in sorted(clash))
        raise ValidationError(f"同一天不能既放假又调休上班：{listed}")
    weekend_holidays_only = [d for d, _ in workdays if d.weekday() < 5]
    if weekend_holidays_only:
        listed = "、".join(str(d) for d in weekend_holidays_only)
        raise ValidationError({"workdays": f"调休上班日应为周末：{listed} 本来就是工作日"})
    entry, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source_document": source_document, "entered_by": actor}
    )
    entry.full_clean()
    entry.days.all().delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(year=entry, date=d, kind=DayKind.HOLIDAY, name=n) for d, n in holidays]
        + [CalendarDay(year=entry, date=d, kind=DayKind.WORKDAY, name=n) for d, n in workdays]
    )
    record_event(
        action=CalendarAction.ENTER_YEAR,
        actor=actor,
        obj=entry,
        detail={
            "year": year,
            "source": source_document,
            "holidays": [str(d) for d, _ in holidays],
            "workdays": [str(d) for d, _ in workdays],
        },
    )
    return entry
