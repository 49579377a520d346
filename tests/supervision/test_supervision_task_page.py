"""The planner sees the supervisor's warnings on a task's page before announcing its draw
(issue 15 item 6); they inform and never block the announcement."""

from datetime import date

from django.urls import reverse

from inspections.draws.services.draws import announce_firms_draw
from inspections.planning.selectors import task_scope
from inspections.planning.services.caps import set_frequency_cap
from tests.conftest import log_in


def _page(client, planner, task) -> str:
    log_in(client, planner)
    return client.get(reverse("tasks:detail", args=[task.pk])).content.decode()


def test_a_draft_task_without_warnings_says_so(client, planner, body_task):
    task = body_task()
    assert "本任务暂无多头、重复、高频或补办审批超期的预警" in _page(client, planner, task)


def test_the_planner_sees_the_warnings_and_may_still_announce(
    client, planner, department_admin, kj, foreign_work, body_task, inspect, ga
):
    task = body_task(start=date(2021, 9, 1), exclusion_months=6)
    scope = list(task_scope(task).order_by("pk")[:2])
    # GA inspects a firm of the scope a week before the window: 多头 if KJ draws it.
    inspect(body_task(department=ga, start=date(2021, 8, 25)), scope[0], start=date(2021, 8, 25))
    # KJ inspected another for the same item in June: 重复, and the draw excludes it.
    june = body_task(start=date(2021, 6, 7), exclusion_months=0)
    inspect(june, scope[1], start=date(2021, 6, 7), end=date(2021, 6, 30))
    # A cap of 1 a year: the firm inspected in June is at it (高频).
    set_frequency_cap(
        actor=department_admin, department=kj, enforcement_field=foreign_work, level="city", limit=1
    )

    page = _page(client, planner, task)
    assert "监督预警（供参考，不影响公告抽取）" in page
    assert 'data-testid="task-warning-multiple"' in page
    assert f"{scope[0].name}在本任务检查期前后30日内另有市公安局的检查" in page
    assert 'data-testid="task-warning-repeated"' in page
    assert f"{scope[1].name}在近6个月内已就同一事项接受市科学技术局的检查" in page
    assert 'data-testid="task-warning-frequent"' in page

    draw = announce_firms_draw(actor=planner, task=task)
    assert draw.pk is not None


def test_a_task_of_another_department_is_not_a_multiple_bodies_warning_for_itself(
    client, planner, body_task, inspect
):
    task = body_task(start=date(2021, 9, 1))
    firm = task_scope(task).first()
    inspect(body_task(start=date(2021, 8, 25), exclusion_months=0), firm, start=date(2021, 8, 25))
    page = _page(client, planner, task)
    assert 'data-testid="task-warning-multiple"' not in page
