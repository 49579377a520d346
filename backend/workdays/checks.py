"""The calendar page's input: the holidays and working weekends typed one line a day or range,
parsed for `services.enter_year`. Reads nothing; raises a ValidationError in Chinese."""

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError

_LINE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:至|~|到|—|-{2})\s*(\d{4}-\d{1,2}-\d{1,2}))?\s*(.*)$"
)


def parse_days(text: str, *, year: int, field: str) -> list[tuple[date, str]]:
    """Lines such as `2027-02-06 至 2027-02-13 春节` or `2027-02-14 春节调休`: every day of each
    line with its name. A bad line raises a ValidationError on `field` that names it."""
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
