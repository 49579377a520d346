"""Publication deadlines in working days: the State Council calendar (holidays and adjusted
working Saturdays), administrator-entered years, the Monday–Friday fallback and its warning,
and each department's own figures."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from backend.workdays.services import enter_year
from disclosure import gates
from disclosure.deadlines import result_deadline, withdrawal_deadline, working_days_for
from disclosure.models import DecisionKind
from disclosure.selectors import due_results
from disclosure.services import publish_results, set_publication_deadlines


def _reviewed_on(inspection, day: date):
    inspection.reviewed_at = timezone.make_aware(datetime.combine(day, time(16)))
    return inspection


def test_twenty_working_days_skip_the_spring_festival_and_count_the_adjusted_saturdays(
    inspections,
):
    # Reviewed Friday 6 Feb 2026. Working days: 9–13 Feb (5), Saturday 14 Feb (调休, 6); the
    # holiday runs 15–23 Feb; 24–27 Feb (10), Saturday 28 Feb (调休, 11); 2–6 Mar (16);
    # 9–12 Mar (20).
    deadline = result_deadline(_reviewed_on(inspections[0], date(2026, 2, 6)))
    assert deadline.kind == DecisionKind.RESULT
    assert deadline.due == date(2026, 3, 12)
    assert not deadline.deadline.approximate
    assert deadline.warning == ""


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays_with_a_warning(inspections):
    deadline = result_deadline(_reviewed_on(inspections[0], date(2027, 9, 24)))
    # Monday–Friday only: 20 working days after Friday 24 Sep 2027 is Friday 22 Oct.
    assert deadline.due == date(2027, 10, 22)
    assert deadline.deadline.approximate
    assert "2027 年的法定节假日安排尚未录入" in deadline.warning


def test_an_entered_year_replaces_the_fallback(inspections, system_admin):
    enter_year(
        actor=system_admin,
        year=2027,
        source_document="国办发明电〔2026〕X号",
        holidays=[(date(2027, 10, day), "国庆节") for day in range(1, 8)],
        workdays=[(date(2027, 9, 26), "国庆节调休")],
    )
    deadline = result_deadline(_reviewed_on(inspections[0], date(2027, 9, 24)))
    # Sunday 26 Sep works, 1–7 Oct are off: 26–30 Sep (5), 8 Oct (6), then 11–28 Oct.
    assert deadline.due == date(2027, 10, 28)
    assert not deadline.deadline.approximate


def test_an_issued_penalty_decision_shortens_the_deadline_to_seven_working_days(
    inspections, monkeypatch
):
    inspection = _reviewed_on(inspections[0], date(2026, 3, 2))
    monkeypatch.setattr(
        gates, "issued_decisions", lambda i: [(DecisionKind.PENALTY, date(2026, 3, 3))]
    )
    deadline = result_deadline(inspection)
    assert (deadline.kind, deadline.start, deadline.due) == (
        DecisionKind.PENALTY,
        date(2026, 3, 3),
        date(2026, 3, 12),
    )
    assert deadline.kind_label == "行政处罚决定"


def test_a_department_sets_its_own_time_limits(inspections, department_admin, kj):
    set_publication_deadlines(
        actor=department_admin, department=kj, working_days={"result": 10, "withdrawal": 2}
    )
    assert working_days_for(kj) == {"result": 10, "license": 7, "penalty": 7, "withdrawal": 2}
    deadline = result_deadline(_reviewed_on(inspections[0], date(2026, 2, 6)))
    assert deadline.due == date(2026, 2, 27)  # 9–13, Sat 14, then 24–27 Feb
    assert withdrawal_deadline(kj, date(2026, 2, 13)).due == date(2026, 2, 24)


def test_only_the_department_administrator_sets_the_time_limits(planner, kj):
    with pytest.raises(PermissionDenied):
        set_publication_deadlines(actor=planner, department=kj, working_days={"result": 5})


def test_the_due_page_lists_overdue_and_due_results_with_deadlines(
    inspections, planner, login, system_admin
):
    from fieldwork.models import Inspection

    late = inspections[0]
    Inspection.objects.filter(pk=late.pk).update(
        reviewed_at=timezone.make_aware(datetime(2026, 2, 6, 16))
    )
    due = {d.inspection.code: d for d in due_results(planner.department)}
    assert due[late.code].overdue and due[late.code].due == date(2026, 3, 12)
    assert not due[inspections[1].code].overdue

    page = login(planner).get("/disclosure/").content.decode()
    overdue_part, due_part = page.split('data-testid="due"')
    assert late.code in overdue_part.split('data-testid="overdue"')[1]
    assert inspections[1].code in due_part
    assert "2026年3月12日" in page

    publish_results(actor=planner, inspections=[late])
    page = login(planner).get("/disclosure/").content.decode()
    assert "已逾期（0）" in page and "待公开（3）" in page


def test_the_due_page_shows_the_fallback_warning(inspections, planner, login):
    from fieldwork.models import Inspection

    Inspection.objects.filter(pk=inspections[0].pk).update(
        reviewed_at=timezone.make_aware(datetime(2027, 12, 20, 16))
    )
    page = login(planner).get("/disclosure/").content.decode()
    assert "（按周一至周五推算）" in page
    assert "2027、2028 年的法定节假日安排尚未录入" in page


def test_the_dashboards_link_to_the_due_page(inspections, planner, department_admin, login):
    for persona in (planner, department_admin):
        page = login(persona).get("/", follow=True).content.decode()
        assert 'data-testid="publication-due"' in page
        assert "/disclosure/" in page
