"""Every state of a task, every move from it allowed or refused; each move logged in the
append-only TaskTransition table and audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from backend.accounts.roles import Role
from backend.audit.models import AuditEvent
from inspections.planning.models import TRANSITIONS, SamplingTask, TaskStatus, TaskTransition
from inspections.planning.services import (
    abandon_task,
    archive_task,
    publish_task,
    review_task,
    start_task,
    transition_task,
)

S = TaskStatus
EXPECTED = {
    S.DRAFT: {S.FIRMS_ANNOUNCED, S.ABANDONED},
    S.FIRMS_ANNOUNCED: {S.FIRMS_DRAWN, S.ABANDONED},
    S.FIRMS_DRAWN: {S.TEAMS_ANNOUNCED},
    S.TEAMS_ANNOUNCED: {S.TEAMS_DRAWN, S.ABANDONED},
    S.TEAMS_DRAWN: {S.IN_PROGRESS},
    S.IN_PROGRESS: {S.RESULTS_REVIEWED},
    S.RESULTS_REVIEWED: {S.PUBLISHED},
    S.PUBLISHED: {S.ARCHIVED},
    S.ARCHIVED: set(),
    S.ABANDONED: set(),
}


def _put(task, status):
    SamplingTask.objects.filter(pk=task.pk).update(status=status)
    task.refresh_from_db()


def test_the_transition_table_is_the_documented_one():
    assert {k: set(v) for k, v in TRANSITIONS.items()} == EXPECTED


@pytest.mark.parametrize("start", S.values)
def test_every_move_from_a_state_is_allowed_or_refused(planner, open_draft_task, start):
    task = open_draft_task()
    for target in S.values:
        if target == start:
            continue
        _put(task, start)
        if target in EXPECTED[start]:
            moved = transition_task(actor=planner, task=task, to=target, reason="依计划进行")
            assert moved.status == target
            log = TaskTransition.objects.filter(task=task).latest("id")
            assert (log.from_status, log.to_status, log.actor) == (start, target, planner)
            assert log.reason == "依计划进行"
        else:
            with pytest.raises(ValidationError) as refused:
                transition_task(actor=planner, task=task, to=target, reason="依计划进行")
            assert refused.value.messages == [
                f"抽查任务{task.code}当前为“{S(start).label}”，不能变更为“{S(target).label}”"
            ]
            assert SamplingTask.objects.get(pk=task.pk).status == start
    allowed = len(EXPECTED[start])
    assert TaskTransition.objects.filter(task=task).count() == allowed
    assert AuditEvent.objects.filter(action="tasks.transition").count() == allowed


# start_task opens the inspections too: tests/fieldwork/test_task_start.py.
@pytest.mark.parametrize(
    "service, start, end",
    [
        (lambda a, t: review_task(actor=a, task=t), S.IN_PROGRESS, S.RESULTS_REVIEWED),
        (lambda a, t: publish_task(actor=a, task=t), S.RESULTS_REVIEWED, S.PUBLISHED),
        (lambda a, t: archive_task(actor=a, task=t), S.PUBLISHED, S.ARCHIVED),
        (lambda a, t: abandon_task(actor=a, task=t, reason="企业集中注销"), S.DRAFT, S.ABANDONED),
        (
            lambda a, t: abandon_task(actor=a, task=t, reason="见证人缺席"),
            S.FIRMS_ANNOUNCED,
            S.ABANDONED,
        ),
        (
            lambda a, t: abandon_task(actor=a, task=t, reason="人员不足"),
            S.TEAMS_ANNOUNCED,
            S.ABANDONED,
        ),
    ],
    ids=[
        "review",
        "publish",
        "archive",
        "abandon-draft",
        "abandon-firms",
        "abandon-teams",
    ],
)
def test_the_planners_named_steps(planner, open_draft_task, service, start, end):
    task = open_draft_task()
    _put(task, start)
    assert service(planner, task).status == end
    event = AuditEvent.objects.filter(action="tasks.transition").latest("id")
    assert event.detail["from"] == start and event.detail["to"] == end


def test_a_task_cannot_start_before_its_teams_are_drawn(planner, open_draft_task):
    task = open_draft_task()
    with pytest.raises(ValidationError, match="当前为“草稿”，不能变更为“检查实施中”"):
        start_task(actor=planner, task=task)


def test_abandoning_needs_a_reason(planner, open_draft_task):
    task = open_draft_task()
    with pytest.raises(ValidationError, match="终止抽查任务须说明原因"):
        abandon_task(actor=planner, task=task, reason=" ")
    assert SamplingTask.objects.get(pk=task.pk).status == S.DRAFT


def test_a_drawn_task_can_no_longer_be_abandoned(planner, open_draft_task):
    task = open_draft_task()
    _put(task, S.FIRMS_DRAWN)
    with pytest.raises(ValidationError, match="不能变更为“已终止”"):
        abandon_task(actor=planner, task=task, reason="改变主意")


def test_the_draw_is_announced_only_once_every_department_has_confirmed(
    planner, kj, ga, staff, foreign_work, open_draft_task
):
    staff(ga, foreign_work, 2)
    task = open_draft_task(seats={kj: 1, ga: 1})
    with pytest.raises(ValidationError, match="市公安局尚未确认参与，不能公告抽取"):
        transition_task(actor=planner, task=task, to=S.FIRMS_ANNOUNCED)
    from inspections.planning.services import confirm_participation

    confirm_participation(actor=None, task=task, department=ga)
    assert transition_task(actor=planner, task=task, to=S.FIRMS_ANNOUNCED).status == (
        S.FIRMS_ANNOUNCED
    )


def test_an_unknown_state_is_refused(planner, open_draft_task):
    with pytest.raises(ValidationError, match="未知的任务状态：done"):
        transition_task(actor=planner, task=open_draft_task(), to="done")


def test_only_the_lead_departments_planner_moves_a_task(
    department_admin, make_user, ga, open_draft_task
):
    task = open_draft_task()
    ga_planner = make_user("ga_planner", Role.PLANNER, ga)
    for actor in (department_admin, ga_planner):
        with pytest.raises(PermissionDenied, match="只有发起部门（市科学技术局）的计划人员"):
            abandon_task(actor=actor, task=task, reason="越权")
    assert not TaskTransition.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_transition_log_refuses_update_and_delete_on_postgresql(planner, open_draft_task):
    from django.db.utils import DatabaseError

    task = open_draft_task()
    abandon_task(actor=planner, task=task, reason="测试")
    log = TaskTransition.objects.get()
    for statement in (
        f"UPDATE inspections_tasktransition SET reason = 'x' WHERE id = {log.pk}",
        f"DELETE FROM inspections_tasktransition WHERE id = {log.pk}",
        "TRUNCATE inspections_tasktransition CASCADE",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert TaskTransition.objects.get().reason == "测试"
