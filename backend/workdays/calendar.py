"""Working days per the State Council's holiday calendar, with the years it does not know.

Plain Python, no Django. Three sources, in order of precedence for a given year:

1. a year an administrator entered in the product (the State Council announces next year's
   schedule late in the year, before any package release knows it);
2. the `chinesecalendar` package, for the years it was released with;
3. Monday to Friday, as a fallback that every deadline it affects must show as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class Source(StrEnum):
    ENTERED = "entered"
    PACKAGE = "package"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class EnteredYear:
    """A year's schedule as an administrator entered it: days off and adjusted working days."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # weekends that are working days (调休上班)


@dataclass(frozen=True)
class Deadline:
    due: date
    working_days: int
    fallback_years: frozenset[int] = field(default_factory=frozenset)

    @property
    def approximate(self) -> bool:
        """True when some year on the way had no official schedule: Monday–Friday was assumed."""
        return bool(self.fallback_years)

    @property
    def warning(self) -> str:
        if not self.fallback_years:
            return ""
        years = "、".join(str(y) for y in sorted(self.fallback_years))
        return (
            f"{years} 年的法定节假日安排尚未录入，期限按周一至周五推算，可能不准确。"
            "请系统管理员录入该年度的节假日和调休安排。"
        )


def _package_is_workday(day: date) -> bool | None:
    """What chinesecalendar says, or None for a year it does not know."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


class WorkdayCalendar:
    def __init__(self, entered: Mapping[int, EnteredYear] | None = None):
        self.entered = dict(entered or {})

    def source_for_year(self, year: int) -> Source:
        if year in self.entered:
            return Source.ENTERED
        if _package_is_workday(date(year, 6, 1)) is not None:
            return Source.PACKAGE
        return Source.FALLBACK

    def is_workday(self, day: date) -> tuple[bool, Source]:
        entered = self.entered.get(day.year)
        if entered is not None:
            if day in entered.workdays:
                return True, Source.ENTERED
            if day in entered.holidays:
                return False, Source.ENTERED
            return day.weekday() < 5, Source.ENTERED
        package = _package_is_workday(day)
        if package is not None:
            return package, Source.PACKAGE
        return day.weekday() < 5, Source.FALLBACK

    def add_working_days(self, start: date, days: int) -> Deadline:
        """The `days`-th working day after `start` (the start day itself is not counted)."""
        if days < 0:
            raise ValueError("working days must not be negative")
        current = start
        counted = 0
        fallback: set[int] = set()
        while counted < days:
            current += timedelta(days=1)
            working, source = self.is_workday(current)
            if source is Source.FALLBACK:
                fallback.add(current.year)
            if working:
                counted += 1
        return Deadline(due=current, working_days=days, fallback_years=frozenset(fallback))

    def working_days_between(self, start: date, end: date) -> tuple[int, frozenset[int]]:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        fallback: set[int] = set()
        current = start
        while current < end:
            current += timedelta(days=1)
            working, source = self.is_workday(current)
            if source is Source.FALLBACK:
                fallback.add(current.year)
            count += working
        return count, frozenset(fallback)
