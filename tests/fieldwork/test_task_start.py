"""Starting a task (开始实施) opens one inspection per drawn firm with its drawn team, however it
is started: the task API's start action, `inspections.services.start_task` and the task's
inspections page all go through `start_fieldwork`."""

from backend.audit.models import AuditEvent
from fieldwork.models import Inspection
from inspections.models import (
    SamplingTask,
    TaskStatus,
    TaskTransition,
)
from inspections.services import start_task
from inspections.teams import effective_teams


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
