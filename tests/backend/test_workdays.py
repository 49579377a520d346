"""Working-day deadlines follow the State Council's calendar, including adjusted working
weekends; a year nobody entered falls back to Monday–Friday and says so."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backend.audit.models import AuditEvent
from backend.workdays.calendar import EnteredYear, Source, WorkdayCalendar
from backend.workdays.checks import parse_days
from backend.workdays.selectors import working_day_deadline
from backend.workdays.services import enter_year
from tests.conftest import log_in

# The 2026 schedule as the package has it: Spring Festival off 15–23 February, with Saturday
# 14 February an adjusted working day.


def test_the_package_knows_2026_spring_festival_and_its_adjusted_weekends():
    calendar = WorkdayCalendar()
    assert calendar.is_workday(date(2026, 2, 17)) == (False, Source.PACKAGE)
    assert calendar.is_workday(date(2026, 2, 14)) == (True, Source.PACKAGE)  # a Saturday


def test_a_deadline_skips_the_holiday_and_counts_the_adjusted_saturday():
    # Friday 13 Feb 2026 + 1 working day is Saturday 14 Feb (adjusted working day).
    assert WorkdayCalendar().add_working_days(date(2026, 2, 13), 1).due == date(2026, 2, 14)
    # + 2: the holiday runs to 23 Feb, so the next working day is Tuesday 24 Feb.
    deadline = WorkdayCalendar().add_working_days(date(2026, 2, 13), 2)
    assert deadline.due == date(2026, 2, 24)
    assert not deadline.approximate


def test_twenty_working_days_across_national_day():
    # The National Day week off pushes the deadline past what 20 plain weekdays would give
    # (23 October), and it lands on a working day.
    calendar = WorkdayCalendar()
    deadline = calendar.add_working_days(date(2026, 9, 25), 20)
    assert calendar.is_workday(deadline.due)[0]
    assert deadline.due > date(2026, 10, 23)


def test_a_year_nobody_entered_falls_back_to_weekdays_with_a_warning():
    deadline = WorkdayCalendar().add_working_days(date(2031, 1, 2), 5)
    assert deadline.due == date(2031, 1, 9)
    assert deadline.approximate
    assert deadline.fallback_years == {2031}
    assert "2031 年的法定节假日安排尚未录入" in deadline.warning


def test_an_entered_year_takes_precedence():
    entered = EnteredYear(
        holidays=frozenset({date(2031, 1, 1), date(2031, 1, 2), date(2031, 1, 3)}),
        workdays=frozenset({date(2031, 1, 4)}),  # a Saturday
    )
    calendar = WorkdayCalendar({2031: entered})
    deadline = calendar.add_working_days(date(2030, 12, 31), 1)
    assert deadline.due == date(2031, 1, 4)
    assert not deadline.approximate


def test_working_days_between_counts_only_working_days():
    count, fallback = WorkdayCalendar().working_days_between(date(2026, 2, 13), date(2026, 2, 24))
    assert count == 2
    assert not fallback


def test_parse_days_reads_single_days_and_ranges():
    days = parse_days("2031-01-01 元旦\n2031-02-10 至 2031-02-12 春节\n", year=2031, field="h")
    assert [d for d, _ in days] == [
        date(2031, 1, 1),
        date(2031, 2, 10),
        date(2031, 2, 11),
        date(2031, 2, 12),
    ]
    assert days[1][1] == "春节"
    with pytest.raises(ValidationError, match="第 1 行"):
        parse_days("明年元旦", year=2031, field="h")
    with pytest.raises(ValidationError, match="不在 2031 年"):
        parse_days("2030-12-31 元旦", year=2031, field="h")


def test_entering_a_year_is_audited_and_used_for_deadlines(system_admin):
    enter_year(
        actor=system_admin,
        year=2031,
        source_document="国务院办公厅关于2031年部分节假日安排的通知",
        holidays=[
            (date(2031, 1, 1), "元旦"),
            (date(2031, 1, 2), "元旦"),
            (date(2031, 1, 3), "元旦"),
        ],
        workdays=[(date(2031, 1, 4), "元旦调休")],
    )
    assert working_day_deadline(date(2030, 12, 31), 1).due == date(2031, 1, 4)
    event = AuditEvent.objects.get(action="calendar.enter_year")
    assert event.detail["workdays"] == ["2031-01-04"]


def test_a_weekday_cannot_be_an_adjusted_working_day(system_admin):
    with pytest.raises(ValidationError, match="本来就是工作日"):
        enter_year(
            actor=system_admin,
            year=2031,
            source_document="x",
            holidays=[],
            workdays=[(date(2031, 1, 6), "")],  # a Monday
        )


def test_the_calendar_page_shows_sources_and_saves_a_year(client, system_admin):
    log_in(client, system_admin)
    page = client.get(reverse("workdays:years")).content.decode()
    assert "未录入：按周一至周五推算" in page or "内置日历" in page
    response = client.post(
        reverse("workdays:years"),
        {
            "year": 2031,
            "source_document": "国务院办公厅通知",
            "holidays": "2031-01-01 元旦",
            "workdays": "",
        },
    )
    assert response.status_code == 302
    deadline_page = client.get(reverse("workdays:years"), {"start": "2031-01-05", "days": 3})
    assert "2031-01-08" in deadline_page.content.decode()


def test_the_calendar_page_shows_the_fallback_warning(client, system_admin):
    log_in(client, system_admin)
    body = client.get(
        reverse("workdays:years"), {"start": "2040-01-02", "days": 3}
    ).content.decode()
    assert "按周一至周五推算" in body
    assert "2040 年的法定节假日安排尚未录入" in body


def test_only_the_system_administrator_edits_the_calendar(client, planner):
    client.force_login(planner)
    assert client.get(reverse("workdays:years")).status_code == 403
