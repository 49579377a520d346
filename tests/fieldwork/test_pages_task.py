"""A task's inspections page: states and results, and the planner's 开始实施 once the teams
are drawn."""

import pytest
from django.urls import reverse

from backend.accounts.roles import Role
from fieldwork.models import Inspection
from inspections.planning.models import TaskStatus
from tests.conftest import log_in


def _page(task):
    return reverse("fieldwork:task", args=[task.pk])


def test_the_lead_planner_starts_fieldwork_and_sees_one_inspection_per_drawn_firm(
    client, planner, teams_drawn
):
    client.force_login(planner)
    body = client.get(_page(teams_drawn)).content.decode()
    assert "开始实施" in body and "尚未开始实施" in body
    response = client.post(reverse("fieldwork:task-start", args=[teams_drawn.pk]), follow=True)
    body = response.content.decode()
    teams_drawn.refresh_from_db()
    assert teams_drawn.status == TaskStatus.IN_PROGRESS
    inspections = list(teams_drawn.inspections.order_by("code"))
    assert inspections and f"已建立 {len(inspections)} 项检查" in body
    for inspection in inspections:
        assert inspection.code in body and inspection.firm_name in body
        for member in inspection.members.all():
            assert member.certificate_number in body
    assert f"待检查 {len(inspections)}" in body
    assert "尚未检查" in body
    assert 'data-testid="start-fieldwork"' not in body


def test_fieldwork_starts_once(client, planner, started):
    client.force_login(planner)
    before = started.inspections.count()
    response = client.post(reverse("fieldwork:task-start", args=[started.pk]), follow=True)
    assert "不能变更为" in response.content.decode()
    assert Inspection.objects.filter(task=started).count() == before


def test_results_show_on_the_task_page(client, planner, inspection, team, fill_record):
    fill_record(inspection, team, codes=("follow-up-disclosure",))
    client.force_login(planner)
    body = client.get(_page(inspection.task)).content.decode()
    assert "发现问题待后续处理（未按规定公示应当公示的信息）" in body
    assert "检查中" in body


@pytest.mark.parametrize(
    "who, status", [("department_admin", 200), ("legal_reviewer", 200), ("inspector", 403)]
)
def test_who_opens_a_tasks_inspections(request, client, teams_drawn, who, status):
    log_in(client, request.getfixturevalue(who))
    response = client.get(_page(teams_drawn))
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="start-fieldwork"' not in response.content.decode()


def test_only_the_lead_planner_starts_fieldwork(
    client, teams_drawn, department_admin, make_user, ga
):
    log_in(client, department_admin)
    assert client.post(reverse("fieldwork:task-start", args=[teams_drawn.pk])).status_code == 403
    client.force_login(make_user("ga_planner", Role.PLANNER, ga))
    assert client.get(_page(teams_drawn)).status_code == 404
    assert client.post(reverse("fieldwork:task-start", args=[teams_drawn.pk])).status_code == 404
    teams_drawn.refresh_from_db()
    assert teams_drawn.status == TaskStatus.TEAMS_DRAWN


def test_the_task_page_links_to_its_inspections_once_the_teams_are_drawn(
    client, planner, open_draft_task, teams_drawn
):
    client.force_login(planner)
    link = _page(teams_drawn)
    assert link in client.get(reverse("tasks:detail", args=[teams_drawn.pk])).content.decode()
    draft = open_draft_task(code="T-2021-099")
    assert _page(draft) not in client.get(reverse("tasks:detail", args=[draft.pk])).content.decode()
