"""监督意见 (issue 15 item 6): the supervisor records an opinion to a department with a due date in
working days; the department's 部门管理员 answers it once; 待答复 / 已答复 / 逾期; each step
audited; a department sees only the opinions addressed to it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from backend.audit.models import AuditEvent
from backend.workdays.models import CalendarDay, CalendarYear
from supervision import services
from supervision.actions import SupervisionAction
from supervision.models import OpinionAnswer, OpinionState, SupervisionOpinion
from tests.conftest import log_in


@pytest.fixture
def issued_on(monkeypatch):
    """Opinions and answers dated as if written on a given day (the law counts local days)."""

    def set_day(day: date):
        monkeypatch.setattr(services.timezone, "localdate", lambda: day)

    set_day(date(2021, 9, 30))
    return set_day


@pytest.fixture
def national_day(db):
    """2021 as entered by the administrator: 1–7 October are holidays."""
    year = CalendarYear.objects.create(year=2021, source_document="国务院办公厅通知")
    for day in range(1, 8):
        CalendarDay.objects.create(year=year, date=date(2021, 10, day), kind="holiday")


@pytest.fixture
def inspection(body_task, inspect, firm):
    return inspect(body_task(), firm)


def _issue(supervisor, inspection, **overrides):
    values = {
        "actor": supervisor,
        "department": inspection.task.department,
        "text": "请说明同一对象短期内多次检查的原因。",
        "working_days": 3,
        "inspection": inspection,
    }
    return services.issue_opinion(**{**values, **overrides})


def test_the_due_date_counts_working_days_across_a_holiday_and_then_it_is_overdue(
    issued_on, national_day, supervisor, inspection
):
    opinion = _issue(supervisor, inspection)
    # Thursday 30 September + 3 working days, 1–7 October off: 8, 11 and 12 October.
    assert opinion.due_on == date(2021, 10, 12)
    assert opinion.state(date(2021, 10, 12)) == OpinionState.PENDING
    assert opinion.state(date(2021, 10, 13)) == OpinionState.OVERDUE
    assert opinion.state_label(date(2021, 10, 13)) == "逾期未答复"


def test_the_department_answers_once_and_each_step_is_audited(
    issued_on, national_day, supervisor, department_admin, inspection
):
    opinion = _issue(supervisor, inspection)
    event = AuditEvent.objects.get(action=SupervisionAction.OPINION_ISSUE)
    assert event.detail["inspection"] == inspection.code and event.detail["due_on"] == "2021-10-12"

    issued_on(date(2021, 10, 13))  # a day late: received, and marked late
    answer = services.answer_opinion(actor=department_admin, opinion=opinion, text="已合并检查。")
    opinion.refresh_from_db()
    assert opinion.state(date(2021, 10, 20)) == OpinionState.ANSWERED
    assert answer.late
    event = AuditEvent.objects.get(action=SupervisionAction.OPINION_ANSWER)
    assert event.detail == {
        "number": opinion.number,
        "department": "KJ",
        "answered_on": "2021-10-13",
        "due_on": "2021-10-12",
        "late": True,
    }

    with pytest.raises(ValidationError, match="已答复"):
        services.answer_opinion(actor=department_admin, opinion=opinion, text="再答一次")
    assert OpinionAnswer.objects.get().text == "已合并检查。"


def test_only_the_addressed_departments_administrator_answers(
    issued_on, supervisor, ga_department_admin, planner, inspection
):
    opinion = _issue(supervisor, inspection)
    for outsider in (ga_department_admin, planner, supervisor):
        with pytest.raises(PermissionDenied):
            services.answer_opinion(actor=outsider, opinion=opinion, text="答复")
    assert not OpinionAnswer.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"text": "  "}, "请填写监督意见"),
        ({"working_days": 0}, "答复期限须为1至60个工作日"),
        ({"department": None}, "请选择被监督部门"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_recorded(
    issued_on, supervisor, inspection, overrides, message
):
    with pytest.raises(ValidationError, match=message):
        _issue(supervisor, inspection, **overrides)
    assert not SupervisionOpinion.objects.exists()
    assert not AuditEvent.objects.filter(action=SupervisionAction.OPINION_ISSUE).exists()


def test_an_opinion_goes_to_a_department_of_the_inspections_task(
    issued_on, supervisor, inspection, ga
):
    with pytest.raises(ValidationError, match="发起或参与部门"):
        _issue(supervisor, inspection, department=ga)
    assert not SupervisionOpinion.objects.exists()


def test_no_one_but_the_supervisor_records_an_opinion(issued_on, department_admin, inspection):
    with pytest.raises(PermissionDenied):
        _issue(department_admin, inspection)
    assert not SupervisionOpinion.objects.exists()


def test_an_opinion_about_a_warning_keeps_the_warnings_text(issued_on, supervisor, kj):
    opinion = services.issue_opinion(
        actor=supervisor,
        department=kj,
        text="请核实。",
        working_days=5,
        warning_kind="multiple",
        warning_text="某公司在30日内被2个部门分别检查。",
    )
    assert opinion.subject == "warning" and opinion.get_warning_kind_display() == "多头检查"


def test_departments_see_only_the_opinions_addressed_to_them(
    issued_on, client, supervisor, department_admin, ga_department_admin, inspection
):
    opinion = _issue(supervisor, inspection)
    log_in(client, department_admin)
    page = client.get(reverse("supervision:department-opinions")).content.decode()
    assert opinion.number in page
    assert client.get(reverse("supervision:opinion", args=[opinion.pk])).status_code == 200

    log_in(client, ga_department_admin)
    page = client.get(reverse("supervision:department-opinions")).content.decode()
    assert opinion.number not in page and "没有监督意见" in page
    assert client.get(reverse("supervision:opinion", args=[opinion.pk])).status_code == 404
    response = client.get(reverse("api:supervision-opinions"))
    assert response.status_code == 200 and response.json()["count"] == 0


def test_the_supervisor_and_the_department_use_the_pages(
    issued_on, client, supervisor, department_admin, inspection
):
    log_in(client, supervisor)
    form = client.get(reverse("supervision:opinion-new") + f"?inspection={inspection.pk}")
    assert f"检查 {inspection.code}" in form.content.decode()
    response = client.post(
        reverse("supervision:opinion-new") + f"?inspection={inspection.pk}",
        {"department": inspection.task.department_id, "text": "请说明。", "working_days": 3},
    )
    opinion = SupervisionOpinion.objects.get()
    assert response.status_code == 302 and opinion.inspection == inspection
    refused = client.post(
        reverse("supervision:opinion-new"),
        {"department": inspection.task.department_id, "text": "没有对象", "working_days": 3},
    )
    assert refused.status_code == 400 and "请说明监督意见针对的" in refused.content.decode()
    assert SupervisionOpinion.objects.count() == 1

    log_in(client, department_admin)
    answered = client.post(
        reverse("supervision:opinion-answer", args=[opinion.pk]), {"text": "已整改。"}
    )
    assert answered.status_code == 302
    page = client.get(reverse("supervision:opinion", args=[opinion.pk])).content.decode()
    assert "已整改。" in page and "已答复" in page
    data = client.get(reverse("api:supervision-opinion", args=[opinion.pk])).json()
    assert data["state"] == "answered" and data["answer"]["text"] == "已整改。"


def test_opinions_and_answers_are_final_records(
    issued_on, supervisor, department_admin, inspection
):
    opinion = _issue(supervisor, inspection)
    answer = services.answer_opinion(actor=department_admin, opinion=opinion, text="已整改。")
    opinion.text = "改过的意见"
    with pytest.raises(ValidationError, match="不能修改"):
        opinion.save()
    with pytest.raises(ValidationError, match="不能删除"):
        answer.delete()
    opinion.refresh_from_db()
    assert opinion.text == "请说明同一对象短期内多次检查的原因。" and OpinionAnswer.objects.exists()


def test_an_opinion_about_a_task_goes_to_one_of_its_departments(
    issued_on, supervisor, inspection, ga, client
):
    task = inspection.task
    opinion = services.issue_opinion(
        actor=supervisor, department=task.department, text="请说明。", working_days=2, task=task
    )
    assert opinion.subject == "task"
    with pytest.raises(ValidationError, match="发起或参与部门"):
        services.issue_opinion(
            actor=supervisor, department=ga, text="请说明。", working_days=2, task=task
        )
    log_in(client, supervisor)
    data = client.get(reverse("api:supervision-opinions"), {"state": "pending"}).json()
    assert data["count"] == 1
    (row,) = data["results"]
    assert row["task"] == task.code and row["answer"] is None and row["state_label"] == "待答复"
