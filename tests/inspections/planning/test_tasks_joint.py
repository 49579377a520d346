"""Joint tasks: the lead invites, each participating department confirms its own seats and then
sees that task, and only that task, of the lead's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from backend.accounts.roles import Role
from backend.audit.models import AuditEvent
from inspections.planning.models import ParticipationStatus
from inspections.planning.selectors import (
    get_task_for_user,
    invitations_for,
    plans_visible_to,
    tasks_visible_to,
)
from inspections.planning.services import confirm_participation
from tests.conftest import log_in


@pytest.fixture
def joint(kj, ga, staff, foreign_work, open_draft_task):
    staff(ga, foreign_work, 2)
    return open_draft_task(code="T-2021-007", seats={kj: 1, ga: 1})


@pytest.fixture
def ga_planner(make_user, ga):
    return make_user("ga_planner", Role.PLANNER, ga, display_name="郭计划")


def test_an_invited_department_sees_the_invitation_but_not_yet_the_task(
    joint, ga_department_admin, ga_planner, ga_inspector
):
    assert [i.task for i in invitations_for(ga_department_admin)] == [joint]
    assert [i.task for i in invitations_for(ga_planner)] == [joint]
    assert not invitations_for(ga_inspector).exists()  # inspectors do not answer for the bureau
    assert not tasks_visible_to(ga_department_admin).exists()


def test_after_confirming_the_department_sees_the_task_and_nothing_else_of_the_lead(
    joint, open_draft_task, published_plan, ga_department_admin, ga_planner
):
    own_task = open_draft_task(code="T-2021-008")  # KJ's alone
    participation = confirm_participation(actor=ga_department_admin, task=joint, seats=2)
    assert participation.status == ParticipationStatus.CONFIRMED
    assert participation.seats == 2 and participation.confirmed_by == ga_department_admin
    for user in (ga_department_admin, ga_planner):
        assert list(tasks_visible_to(user)) == [joint]
        assert not plans_visible_to(user).exists()
        with pytest.raises(Exception, match="未找到该抽查任务"):
            get_task_for_user(user, own_task.pk)
    event = AuditEvent.objects.get(action="tasks.confirm")
    assert event.detail == {"department": "GA", "seats": 2}


def test_a_department_not_invited_sees_nothing(joint, make_user, rs):
    rs_admin = make_user("rs_admin", Role.DEPARTMENT_ADMIN, rs)
    assert not tasks_visible_to(rs_admin).exists()
    assert not invitations_for(rs_admin).exists()
    with pytest.raises(ValidationError, match="市人力资源和社会保障局未被邀请参与该任务"):
        confirm_participation(actor=rs_admin, task=joint)


def test_only_the_invited_departments_planner_or_administrator_confirms(
    joint, planner, ga_inspector, ga
):
    with pytest.raises(PermissionDenied, match="只有市公安局的计划人员或部门管理员可以确认参与"):
        confirm_participation(actor=ga_inspector, task=joint)
    with pytest.raises(PermissionDenied):
        confirm_participation(actor=planner, task=joint, department=ga)
    assert joint.participations.get(department=ga).status == ParticipationStatus.INVITED


def test_a_confirmation_is_given_once_and_keeps_a_team_of_two(joint, ga_department_admin):
    with pytest.raises(ValidationError, match="每个部门至少安排1名执法人员"):
        confirm_participation(actor=ga_department_admin, task=joint, seats=0)
    confirm_participation(actor=ga_department_admin, task=joint)
    with pytest.raises(ValidationError, match="市公安局已确认参与该任务"):
        confirm_participation(actor=ga_department_admin, task=joint)


def test_the_invitation_page_confirms_and_opens_the_task(client, joint, ga_department_admin):
    log_in(client, ga_department_admin)
    assert client.get(reverse("tasks:detail", args=[joint.pk])).status_code == 404
    page = client.get(reverse("tasks:confirm", args=[joint.pk]))
    assert page.status_code == 200
    assert "T-2021-007" in page.content.decode() and "市科学技术局" in page.content.decode()
    response = client.post(reverse("tasks:confirm", args=[joint.pk]), {"seats": 1})
    assert response.status_code == 302
    body = client.get(reverse("tasks:detail", args=[joint.pk])).content.decode()
    assert "已确认" in body
    assert reverse("plans:detail", args=[joint.plan_id]) not in body  # the lead's plan stays
    assert client.get(reverse("plans:detail", args=[joint.plan_id])).status_code == 404
    assert client.get(reverse("tasks:confirm", args=[joint.pk])).status_code == 404


def test_the_task_list_offers_the_invitation(client, joint, ga_department_admin):
    log_in(client, ga_department_admin)
    body = client.get(reverse("tasks:list")).content.decode()
    assert "待确认的联合抽查邀请" in body and reverse("tasks:confirm", args=[joint.pk]) in body


def test_the_api_confirms_and_then_shows_only_that_task(
    client, joint, open_draft_task, ga_department_admin
):
    open_draft_task(code="T-2021-008")
    log_in(client, ga_department_admin)
    assert client.get(f"/api/v1/tasks/{joint.pk}/").status_code == 404
    invitations = client.get("/api/v1/tasks/invitations/").json()
    assert [i["code"] for i in invitations] == ["T-2021-007"]
    response = client.post(f"/api/v1/tasks/{joint.pk}/confirm/", {"seats": 1})
    assert response.status_code == 200
    assert {d["code"]: d["status"] for d in response.json()["departments"]} == {
        "KJ": "confirmed",
        "GA": "confirmed",
    }
    listed = client.get("/api/v1/tasks/").json()["results"]
    assert [t["code"] for t in listed] == ["T-2021-007"]
    assert client.get("/api/v1/plans/").json()["results"] == []
