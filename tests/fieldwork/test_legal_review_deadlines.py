"""The review's time limit: 5 working days from submission by the State Council's calendar
(chinesecalendar knows 2026: Spring Festival off 15–23 February, Saturdays 14 and 28 February
adjusted working days), extendable once by 3 with a reason; a year nobody entered falls back to
Monday–Friday with a warning; overdue rounds are shown to the reviewer and the department."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from legal_review_builders import *  # noqa: F403
from legal_review_builders import approve

from backend.audit.models import AuditEvent
from backend.workdays.services import enter_year
from legalreview.deadlines import review_deadline
from legalreview.models import LegalReview
from legalreview.selectors import department_view, review_queue
from legalreview.services import extend_review, submit_decision


@pytest.fixture
def submitted_on(draft, team, catalogue, on_day):
    """Submit a referral (it matches KJ's catalogue) on a given day; returns its open round."""

    def submit(day: date) -> LegalReview:
        decision = draft(decision_type="referral", recipient="市公安局", amount=None, discretion="")
        on_day(day)
        submit_decision(actor=team[0], decision=decision)
        return decision.reviews.get()

    return submit


def test_submitted_the_friday_before_spring_festival_the_limit_runs_past_the_holiday(
    submitted_on,
):
    review = submitted_on(date(2026, 2, 13))
    assert review.submitted_on == date(2026, 2, 13)
    deadline = review_deadline(review)
    # Saturday 14 Feb (adjusted working day) is day 1; 15–23 Feb are off; 24–27 Feb are 2–5.
    assert deadline.due == date(2026, 2, 27)
    assert not deadline.approximate and deadline.warning == ""


def test_an_adjusted_working_saturday_counts_as_a_working_day(submitted_on):
    review = submitted_on(date(2026, 2, 24))
    # 25, 26, 27 Feb, Saturday 28 Feb (adjusted working day), Monday 2 March.
    assert review_deadline(review).due == date(2026, 3, 2)


def test_the_extension_adds_three_working_days_once_with_a_reason(
    submitted_on, legal_reviewer, on_day
):
    review = submitted_on(date(2026, 2, 13))
    on_day(date(2026, 2, 25))
    with pytest.raises(ValidationError) as refused:
        extend_review(actor=legal_reviewer, review=review, reason="  ")
    assert refused.value.message_dict["reason"] == ["延长审核期限须说明理由"]
    extend_review(actor=legal_reviewer, review=review, reason="需向公安机关核实外籍人员身份")
    review.refresh_from_db()
    # 27 Feb + 3: Saturday 28 Feb (adjusted), 2 and 3 March.
    assert review_deadline(review).due == date(2026, 3, 3)
    with pytest.raises(ValidationError) as refused:
        extend_review(actor=legal_reviewer, review=review, reason="再次延长")
    assert "只能延长一次" in str(refused.value)
    review.refresh_from_db()
    assert (review.extension_days, review.extension_reason) == (3, "需向公安机关核实外籍人员身份")
    event = AuditEvent.objects.get(action="legalreview.review.extend")
    assert (event.detail["due_before"], event.detail["due_after"]) == ("2026-02-27", "2026-03-03")


def test_only_the_departments_reviewers_and_head_extend(
    submitted_on, planner, ga_department_admin, department_admin
):
    review = submitted_on(date(2026, 2, 13))
    for user in (planner, ga_department_admin):
        with pytest.raises(PermissionDenied):
            extend_review(actor=user, review=review, reason="理由")
    extend_review(actor=department_admin, review=review, reason="案情复杂")
    review.refresh_from_db()
    assert review.is_extended


def test_a_decided_round_is_not_extended(submitted_on, legal_reviewer):
    review = approve(submitted_on(date(2026, 2, 13)), legal_reviewer)
    with pytest.raises(ValidationError):
        extend_review(actor=legal_reviewer, review=review, reason="理由")


def test_a_limit_reaching_into_a_year_nobody_entered_is_approximate_and_says_so(
    submitted_on, system_admin
):
    review = submitted_on(date(2026, 12, 28))
    deadline = review_deadline(review)
    # 29, 30, 31 Dec; then 2027 is unknown: Friday 1 Jan counts as a weekday, Monday 4 Jan.
    assert deadline.due == date(2027, 1, 4)
    assert deadline.approximate
    assert "2027 年的法定节假日安排尚未录入" in deadline.warning
    # Once the administrator enters 2027, the same round's deadline is exact.
    enter_year(
        actor=system_admin,
        year=2027,
        source_document="国务院办公厅关于2027年部分节假日安排的通知",
        holidays=[(date(2027, 1, 1), "元旦")],
        workdays=[],
    )
    deadline = review_deadline(review)
    assert (deadline.due, deadline.approximate) == (date(2027, 1, 5), False)


def test_overdue_rounds_show_in_the_reviewers_queue_and_the_departments_view(
    submitted_on, legal_reviewer, department_admin, on_day
):
    review = submitted_on(date(2026, 2, 13))
    on_day(date(2026, 2, 27))  # the last day: not yet overdue
    [row] = review_queue(legal_reviewer)
    assert (row.review, row.deadline.due, row.overdue) == (review, date(2026, 2, 27), False)
    on_day(date(2026, 3, 2))
    [row] = review_queue(legal_reviewer)
    assert row.overdue
    view = department_view(department_admin)
    assert [r.review for r in view.overdue] == [review]
    approve(review, legal_reviewer)
    assert review_queue(legal_reviewer) == []
    assert department_view(department_admin).overdue == []
    event = AuditEvent.objects.get(action="legalreview.review.opinion")
    assert event.detail["late"] is True
