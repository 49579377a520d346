"""投诉: the supervisor opens a case on a rating; the department answers within a deadline in
working days (the calendar's holidays skipped); the supervisor closes it with an outcome;
every step audited (issue 16 item 4)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rating_builders import ANSWERS, link_of

from backend.audit.models import AuditEvent
from backend.workdays.services import enter_year
from ratings.actions import RatingAction
from ratings.models import ComplaintOutcome, ComplaintState
from ratings.services import (
    answer_complaint,
    close_complaint,
    open_complaint,
    submit_rating,
)
from tests.conftest import log_in


@pytest.fixture
def national_day_2027(system_admin):
    """2027's schedule as entered: 1–7 October off, no adjusted working day."""
    enter_year(
        actor=system_admin,
        year=2027,
        source_document="国办发明电〔2026〕X号",
        holidays=[(date(2027, 10, d), "国庆节") for d in range(1, 8)],
        workdays=[],
    )


@pytest.fixture
def rating(closed_inspections):
    [inspection] = closed_inspections(1)
    return submit_rating(
        token=link_of(inspection).token,
        **{**ANSWERS, "asked_for_favours": True, "favours_detail": "要求报销餐费"},
    )


def test_the_deadline_skips_the_national_day_holiday(
    rating, supervisor, national_day_2027, today_is, settings
):
    settings.COMPLAINT_ANSWER_WORKING_DAYS = 3
    today_is(date(2027, 9, 30))  # Thursday, the eve of National Day
    complaint = open_complaint(actor=supervisor, rating=rating, subject="请核查索要餐费一事")
    # 1–7 October are off: the three working days are 8, 11 and 12 October.
    assert complaint.due_on == date(2027, 10, 12)
    assert complaint.number == "TS-2027-0001"
    assert complaint.department == rating.department
    assert not complaint.is_overdue(date(2027, 10, 12))
    assert complaint.is_overdue(date(2027, 10, 13))


def test_open_answer_close_each_audited_and_overdue_shown(
    rating, supervisor, department_admin, client, today_is, national_day_2027, settings
):
    settings.COMPLAINT_ANSWER_WORKING_DAYS = 3
    today_is(date(2027, 9, 30))
    complaint = open_complaint(actor=supervisor, rating=rating, subject="请核查索要餐费一事")
    today_is(date(2027, 10, 13))
    log_in(client, department_admin)
    listed = client.get(reverse("ratings:complaints"), {"state": "overdue"}).content.decode()
    assert complaint.number in listed and 'data-testid="overdue"' in listed

    response = client.post(
        reverse("ratings:complaint-answer", args=[complaint.pk]), {"text": "经核查，已批评教育。"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ANSWERED
    answer = complaint.answers.get()
    assert answer.late and answer.answered_by == department_admin

    with pytest.raises(PermissionDenied):
        close_complaint(actor=department_admin, complaint=complaint, outcome="upheld")
    client.logout()
    log_in(client, supervisor)
    client.post(
        reverse("ratings:complaint-close", args=[complaint.pk]),
        {"outcome": ComplaintOutcome.UPHELD, "note": "责令整改"},
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED
    assert complaint.outcome == ComplaintOutcome.UPHELD and complaint.closed_by == supervisor

    actions = list(
        AuditEvent.objects.filter(action__startswith="ratings.complaint")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        RatingAction.COMPLAINT_OPEN,
        RatingAction.COMPLAINT_ANSWER,
        RatingAction.COMPLAINT_CLOSE,
    ]
    assert AuditEvent.objects.filter(action=RatingAction.SUBMIT).count() == 1


def test_only_the_supervisor_opens_and_only_the_department_answers(
    rating, supervisor, department_admin, ga_department_admin, planner
):
    with pytest.raises(PermissionDenied):
        open_complaint(actor=department_admin, rating=rating, subject="事项")
    complaint = open_complaint(actor=supervisor, rating=rating, subject="事项")
    for outsider in (ga_department_admin, planner, supervisor):
        with pytest.raises(PermissionDenied):
            answer_complaint(actor=outsider, complaint=complaint, text="答复")
    with pytest.raises(ValidationError) as refused:
        close_complaint(actor=supervisor, complaint=complaint, outcome="upheld")
    assert "尚未答复" in str(refused.value)
    with pytest.raises(ValidationError):
        open_complaint(actor=supervisor, rating=rating, subject="   ")
    assert complaint.answers.count() == 0
    assert AuditEvent.objects.filter(action=RatingAction.COMPLAINT_OPEN).count() == 1


def test_the_supervisor_opens_a_complaint_from_the_rating_page(rating, supervisor, client):
    log_in(client, supervisor)
    page = client.get(reverse("ratings:detail", args=[rating.pk])).content.decode()
    assert "要求报销餐费" in page
    assert AuditEvent.objects.filter(action=RatingAction.VIEW).count() == 1
    response = client.post(
        reverse("ratings:complaint-open", args=[rating.pk]), {"subject": "请核查索要餐费一事"}
    )
    assert response.status_code == 302
    complaint = rating.complaints.get()
    page = client.get(reverse("ratings:complaint", args=[complaint.pk])).content.decode()
    assert complaint.number in page and "待答复" in page
    empty = client.post(reverse("ratings:complaint-open", args=[rating.pk]), {"subject": ""})
    assert empty.status_code == 400 and rating.complaints.count() == 1
