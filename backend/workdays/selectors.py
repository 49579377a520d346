"""Reading the working-day calendar: entered years first, then the package, then weekdays."""

from datetime import date

from backend.workdays.calendar import Deadline, EnteredYear, WorkdayCalendar
from backend.workdays.models import CalendarDay, CalendarYear


def workday_calendar() -> WorkdayCalendar:
    """The calendar with every year an administrator entered (a few hundred rows at most)."""
    entered: dict[int, dict[str, set[date]]] = {}
    for year, day, kind in CalendarDay.objects.values_list("year__year", "date", "kind"):
        entered.setdefault(year, {"holiday": set(), "workday": set()})[kind].add(day)
    for year in CalendarYear.objects.values_list("year", flat=True):
        entered.setdefault(year, {"holiday": set(), "workday": set()})
    return WorkdayCalendar(
        {
            year: EnteredYear(holidays=frozenset(d["holiday"]), workdays=frozenset(d["workday"]))
            for year, d in entered.items()
        }
    )


def working_day_deadline(start: date, days: int) -> Deadline:
    return workday_calendar().add_working_days(start, days)
