"""One gate for each task transition (issue 20, item 4): 检查结果已审核 needs every inspection
reviewed or closed, 检查结果已公示 needs every result published, whether the move comes from the
task API, a page or a service. Every planner's step is called through the API in every state."""

import pytest
from disclosure_builders import carry_out, drawn_task

from backend.audit.models import AuditEvent
from disclosure.services import publish_results
from inspections.planning.models import TRANSITIONS, SamplingTask, TaskStatus, TaskTransition
from tests.conftest import log_in

S = TaskStatus
# The planner's steps through the API, and where each leads.
STEPS = {
    "review": S.RESULTS_REVIEWED,
    "publish": S.PUBLISHED,
    "archive": S.ARCHIVED,
    "abandon": S.ABANDONED,
    "start": S.IN_PROGRESS,
}


def _put(task, status):
    SamplingTask.objects.filter(pk=task.pk).update(status=status)


def _step(client, task, step):
    return client.post(
        f"/api/v1/tasks/{task.pk}/{step}/",
        {"reason": "依计划进行"},
        content_type="application/json",
    )


@pytest.fixture
def half_done(kj, planner, department_admin):
    """A task of nine inspections, four reviewed and five still waiting for review."""
    task = drawn_task(department=kj, planner=planner, department_admin=department_admin, firms=9)
    carry_out(task, planner=planner, reviewer=department_admin, review=range(4))
    assert task.status == S.IN_PROGRESS
    return task


@pytest.fixture
def all_published(reviewed, planner, department_admin):
    """The four-inspection task with every result reviewed and published."""
    publish_results(actor=department_admin, inspections=list(reviewed.inspections.all()))
    reviewed.refresh_from_db()
    assert reviewed.status == S.PUBLISHED
    return reviewed


def test_a_task_with_five_of_nine_unfinished_is_neither_reviewed_nor_published(
    client, planner, half_done
):
    # The attack: the planner asks the API to skip the gates, then to publish.
    log_in(client, planner)
    refused = _step(client, half_done, "review")
    assert refused.status_code == 400
    message = refused.json()["message"]
    assert "还有 5 项检查未完成审核" in message
    pending = half_done.inspections.exclude(state="reviewed").order_by("code")
    assert [i.code for i in pending] == [i.code for i in pending if i.code in message]
    refused = _step(client, half_done, "publish")
    assert refused.status_code == 400
    assert SamplingTask.objects.get(pk=half_done.pk).status == S.IN_PROGRESS
    assert not TaskTransition.objects.filter(task=half_done, to_status=S.RESULTS_REVIEWED)

    # Even when the task was put in 检查结果已审核 behind the service's back, it is not published.
    _put(half_done, S.RESULTS_REVIEWED)
    refused = _step(client, half_done, "publish")
    assert refused.status_code == 400
    assert "还有 9 项检查结果未公示" in refused.json()["message"]
    assert SamplingTask.objects.get(pk=half_done.pk).status == S.RESULTS_REVIEWED

    client.logout()
    public = client.get(f"/api/v1/public/tasks/{half_done.code}/")
    assert public.status_code == 200
    assert public.json()["status"] != S.PUBLISHED
    page = client.get(f"/public/tasks/{half_done.code}/").content.decode()
    assert half_done.code in page and "检查结果已公示" not in page


def test_reviewing_the_last_inspection_moves_the_task_and_publishing_every_result_publishes_it(
    client, half_done, department_admin
):
    from disclosure_builders import record_until_submission, submit_in_window

    from fieldwork.services import records

    waiting = list(half_done.inspections.exclude(state="reviewed").order_by("code"))
    for inspection in waiting:
        if inspection.state != "submitted":
            submit_in_window(record_until_submission(inspection), inspection)
        records.review_result(actor=department_admin, inspection=inspection, agree=True)
    half_done.refresh_from_db()
    assert half_done.status == S.RESULTS_REVIEWED
    inspections = list(half_done.inspections.order_by("code"))
    publish_results(actor=department_admin, inspections=inspections[:8])
    half_done.refresh_from_db()
    assert half_done.status == S.RESULTS_REVIEWED
    publish_results(actor=department_admin, inspections=inspections[8:])
    half_done.refresh_from_db()
    assert half_done.status == S.PUBLISHED
    assert "检查结果已公示" in client.get(f"/public/tasks/{half_done.code}/").content.decode()


def _expected(start, target, *, reviewed_all, published_all):
    if target not in TRANSITIONS[start]:
        return 400, f"当前为“{S(start).label}”，不能变更为“{S(target).label}”"
    if target == S.RESULTS_REVIEWED and not reviewed_all:
        return 400, "项检查未完成审核"
    if target == S.PUBLISHED and not published_all:
        return 400, "项检查结果未公示"
    return 200, None


@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_through_the_api_in_every_state_with_unfinished_inspections(
    client, planner, half_done, step
):
    log_in(client, planner)
    target = STEPS[step]
    before = TaskTransition.objects.order_by("-id").values_list("id", flat=True).first()
    for start in S.values:
        # Starting from 检查人员已抽取 opens the inspections: tests/fieldwork/test_task_start.py.
        if step == "start" and start == S.TEAMS_DRAWN:
            continue
        _put(half_done, start)
        response = _step(client, half_done, step)
        code, message = _expected(start, target, reviewed_all=False, published_all=False)
        assert response.status_code == code, (start, response.json())
        if message:
            assert message in response.json()["message"], start
            assert SamplingTask.objects.get(pk=half_done.pk).status == start
        else:
            assert response.json()["status"] == target
    moves = TaskTransition.objects.filter(task=half_done, id__gt=before)
    assert all(m.to_status == target for m in moves)
    assert moves.count() == sum(
        _expected(s, target, reviewed_all=False, published_all=False)[0] == 200
        for s in S.values
        if not (step == "start" and s == S.TEAMS_DRAWN)
    )


@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_through_the_api_in_every_state_once_everything_is_published(
    client, planner, all_published, step
):
    log_in(client, planner)
    target = STEPS[step]
    allowed = 0
    for start in S.values:
        # Starting from 检查人员已抽取 opens the inspections: tests/fieldwork/test_task_start.py.
        if step == "start" and start == S.TEAMS_DRAWN:
            continue
        _put(all_published, start)
        response = _step(client, all_published, step)
        code, message = _expected(start, target, reviewed_all=True, published_all=True)
        assert response.status_code == code, (start, response.json())
        if message:
            assert message in response.json()["message"], start
            assert SamplingTask.objects.get(pk=all_published.pk).status == start
        else:
            allowed += 1
            assert response.json()["status"] == target
            event = AuditEvent.objects.filter(action="tasks.transition").latest("id")
            assert (event.detail["from"], event.detail["to"]) == (start, target)
    assert allowed == sum(
        target in TRANSITIONS[s] for s in S.values if not (step == "start" and s == S.TEAMS_DRAWN)
    )
