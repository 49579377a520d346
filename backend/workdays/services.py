"""The product's working-day calendar: entered years first, then the package, then weekdays."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.audit.services import record_event
from backend.workdays.actions import CalendarAction
from backend.workdays.models import CalendarDay, CalendarYear, DayKind

_LINE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:至|~|到|—|-{2})\s*(\d{4}-\d{1,2}-\d{1,2}))?\s*(.*)$"
)


def parse_days(text: str, *, year: int, field: str) -> list[tuple[date, str]]:
    """Lines such as `2027-02-06 至 2027-02-13 春节` or `2027-02-14 春节调休`."""
    from datetime import timedelta

    days: list[tuple[date, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            raise ValidationError(
                {
                    field: f"第 {number} 行“{line}”格式不对，"
                    "应为“2027-01-01 元旦”或“2027-02-06 至 2027-02-13 春节”"
                }
            )
        try:
            first = date.fromisoformat(_pad(match.group(1)))
            last = date.fromisoformat(_pad(match.group(2))) if match.group(2) else first
        except ValueError:
            raise ValidationError({field: f"第 {number} 行的日期不存在：“{line}”"}) from None
        if last < first:
            raise ValidationError({field: f"第 {number} 行的结束日期早于开始日期"})
        day = first
        while day <= last:
            if day.year != year:
                raise ValidationError({field: f"第 {number} 行的日期 {day} 不在 {year} 年"})
            days.append((day, match.group(3).strip()))
            day += timedelta(days=1)
    return days


def _pad(text: str) -> str:
    y, m, d = text.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"


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
