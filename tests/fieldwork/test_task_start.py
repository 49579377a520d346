"""Starting a task (开始实施) opens one inspection per drawn firm with its drawn team, however it
is started: the task API's start action, `inspections.services.start_task` and the task's
inspections page all go through `start_fieldwork`. A task is never started while one of its
draws (a 递补 above all) is announced and not yet performed, nor while a replaced firm still
waits for its team: nothing changes, and the planner is told which draw to finish first."""

import pytest
from builders import recuse_officer
from django.core.exceptions import ValidationError
from django.urls import reverse

from backend.audit.models import AuditEvent
from fieldwork.models import Inspection
from fieldwork.services.inspections import start_fieldwork
from inspections.directory.models import Firm, FirmStatus
from inspections.draws import dr1
from inspections.draws.models import DrawPurpose
from inspections.draws.services.draws import abandon_draw, perform_draw
from inspections.draws.services.replacements import (
    announce_firm_replacement,
    announce_officer_replacement,
)
from inspections.draws.teams import effective_teams
from inspections.planning.models import SamplingTask, TaskStatus, TaskTransition
from inspections.planning.services import start_task


def _api_start(client, task):
    return client.post(f"/api/v1/tasks/{task.pk}/start/", {}, content_type="application/json")


def _unchanged(task) -> None:
    """Still teams drawn: no inspection, no transition to in progress, no start audited."""
    assert SamplingTask.objects.get(pk=task.pk).status == TaskStatus.TEAMS_DRAWN
    assert not Inspection.objects.filter(task=task).exists()
    assert not TaskTransition.objects.filter(task=task, to_status=TaskStatus.IN_PROGRESS).exists()
    assert not AuditEvent.objects.filter(action="fieldwork.start").exists()


def _opened_as_drawn(task) -> None:
    teams = effective_teams(task)
    inspections = list(Inspection.objects.filter(task=task).order_by("code"))
    assert [i.firm_uscc for i in inspections] == sorted(teams)
    for inspection in inspections:
        members = inspection.members.order_by("department__code", "seat")
        seats = teams[inspection.firm_uscc]
        assert [(m.department.code, m.seat, m.certificate_number) for m in members] == [
            (s.department_code, s.seat, s.certificate_number) for s in seats
        ]


# --- every way of starting opens the inspections -------------------------------------------------


def test_the_api_start_action_opens_one_inspection_per_drawn_firm(client, planner, teams_drawn):
    client.force_login(planner)
    response = _api_start(client, teams_drawn)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    _opened_as_drawn(teams_drawn)
    event = AuditEvent.objects.get(action="fieldwork.start")
    assert event.detail["inspections"] == [
        i.code for i in Inspection.objects.filter(task=teams_drawn).order_by("code")
    ]


def test_the_api_refuses_a_task_without_drawn_teams_and_changes_nothing(
    client, planner, open_draft_task
):
    task = open_draft_task()
    SamplingTask.objects.filter(pk=task.pk).update(status=TaskStatus.TEAMS_DRAWN)
    client.force_login(planner)
    response = _api_start(client, task)
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": f"抽查任务{task.code}没有已完成的检查人员抽取",
        "fields": {"non_field_errors": [f"抽查任务{task.code}没有已完成的检查人员抽取"]},
    }
    _unchanged(task)


def test_the_start_task_service_opens_the_inspections_too(planner, teams_drawn):
    task = start_task(actor=planner, task=teams_drawn)
    assert task.status == TaskStatus.IN_PROGRESS
    _opened_as_drawn(task)
    transition = TaskTransition.objects.get(task=task, to_status=TaskStatus.IN_PROGRESS)
    assert (transition.from_status, transition.actor) == (TaskStatus.TEAMS_DRAWN, planner)


# --- never with a draw left half done ------------------------------------------------------------


def _recused_seat(task):
    """The first seat of the first firm, whose officer the department head has recused."""
    firm, seats = next(iter(effective_teams(task).items()))
    seat = seats[0]
    recuse_officer(seat.certificate_number, firm)
    return firm, seat


def _officer_replacement(planner, department_admin, task):
    firm, seat = _recused_seat(task)
    return announce_officer_replacement(
        actor=planner,
        task=task,
        firm_uscc=firm,
        certificate_number=seat.certificate_number,
        reason="当事人申请回避，部门负责人同意",
        approved_by=department_admin,
    )


def _firm_replacement(planner, department_admin, task):
    firms_draw = task.draws.get(purpose=DrawPurpose.FIRMS)
    gone = dr1.parse_firms_result(bytes(firms_draw.result))[1]
    Firm.objects.filter(uscc=gone.key).update(status=FirmStatus.DEREGISTERED)
    return announce_firm_replacement(
        actor=planner,
        task=task,
        firm_uscc=gone.key,
        reason="该企业已注销",
        approved_by=department_admin,
    )


@pytest.fixture(params=["officer", "firm"])
def pending(request, planner, department_admin, teams_drawn):
    """An announced, not yet performed 递补 of the drawn task: an officer's seat or a firm."""
    announce = _officer_replacement if request.param == "officer" else _firm_replacement
    return announce(planner, department_admin, teams_drawn)


def _pending_message(draw) -> str:
    what = "检查人员" if draw.purpose == DrawPurpose.TEAMS else "检查对象"
    return (
        f"递补{what}抽取{draw.public_id}（替代{draw.replaces.public_id}）已公告、尚未进行，"
        f"请先进行或作废该抽取，再开始实施抽查任务{draw.task.code}"
    )


def test_the_service_refuses_while_a_replacement_is_pending(planner, teams_drawn, pending):
    with pytest.raises(ValidationError) as refused:
        start_fieldwork(actor=planner, task=teams_drawn)
    assert refused.value.messages == [_pending_message(pending)]
    _unchanged(teams_drawn)


def test_the_page_refuses_while_a_replacement_is_pending(client, planner, teams_drawn, pending):
    client.force_login(planner)
    response = client.post(reverse("fieldwork:task-start", args=[teams_drawn.pk]), follow=True)
    assert _pending_message(pending) in response.content.decode()
    _unchanged(teams_drawn)


def test_the_page_shows_what_keeps_the_task_from_starting_instead_of_the_button(
    client, planner, teams_drawn, pending
):
    client.force_login(planner)
    page = client.get(reverse("fieldwork:task", args=[teams_drawn.pk])).content.decode()
    assert 'data-testid="start-blockers"' in page and _pending_message(pending) in page
    assert 'data-testid="start-fieldwork"' not in page
    perform_draw(actor=planner, draw=pending, witness_values=["99"])
    page = client.get(reverse("fieldwork:task", args=[teams_drawn.pk])).content.decode()
    if pending.replaced_officer:  # the recused officer's seat is refilled: the task may start
        assert 'data-testid="start-fieldwork"' in page and "start-blockers" not in page
    else:  # the replacement firm still needs its team
        assert 'data-testid="start-fieldwork"' not in page and "尚未抽取检查人员" in page


def test_the_api_refuses_while_a_replacement_is_pending(client, planner, teams_drawn, pending):
    client.force_login(planner)
    response = _api_start(client, teams_drawn)
    assert response.status_code == 400
    assert response.json()["message"] == _pending_message(pending)
    _unchanged(teams_drawn)


def test_a_performed_officer_replacement_lets_the_task_start_with_the_new_officer(
    planner, department_admin, teams_drawn
):
    draw = _officer_replacement(planner, department_admin, teams_drawn)
    draw = perform_draw(actor=planner, draw=draw, witness_values=["2468"])
    (new,) = dr1.parse_teams_result(bytes(draw.result))
    start_fieldwork(actor=planner, task=teams_drawn)
    _opened_as_drawn(teams_drawn)
    members = Inspection.objects.get(task=teams_drawn, firm_uscc=draw.replaced_firm).members
    numbers = set(members.values_list("certificate_number", flat=True))
    assert new.officer in numbers and draw.replaced_officer not in numbers


def test_an_abandoned_replacement_no_longer_holds_the_start(planner, department_admin, teams_drawn):
    draw = _officer_replacement(planner, department_admin, teams_drawn)
    abandon_draw(actor=planner, draw=draw, reason="当事人撤回回避申请")
    assert len(start_fieldwork(actor=planner, task=teams_drawn)) == len(
        effective_teams(teams_drawn)
    )


def test_a_replaced_firm_waiting_for_its_team_holds_the_start(
    client, planner, department_admin, teams_drawn
):
    draw = _firm_replacement(planner, department_admin, teams_drawn)
    draw = perform_draw(actor=planner, draw=draw, witness_values=["99"])
    message = (
        f"递补抽取{draw.public_id}抽中的检查对象尚未抽取检查人员，"
        f"请先为其抽取检查人员，再开始实施抽查任务{teams_drawn.code}"
    )
    with pytest.raises(ValidationError) as refused:
        start_fieldwork(actor=planner, task=teams_drawn)
    assert refused.value.messages == [message]
    client.force_login(planner)
    response = client.post(reverse("fieldwork:task-start", args=[teams_drawn.pk]), follow=True)
    assert message in response.content.decode()
    _unchanged(teams_drawn)
