"""Withdrawing a joint task's invitation (issue 17, item 4): a department that never confirms
must not leave the lead's task stuck. Only the lead's planner withdraws, with a reason, and
only while the invitation is unconfirmed and the task still a draft."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from backend.audit.models import AuditEvent
from inspections.draws.services.draws import announce_firms_draw
from inspections.planning.models import ParticipationStatus, TaskDepartment
from inspections.planning.services import (
    abandon_task,
    confirm_participation,
    invite_department,
    withdraw_invitation,
)
from tests.conftest import log_in


@pytest.fixture
def joint(kj, ga, staff, foreign_work, open_draft_task):
    staff(ga, foreign_work, 2)
    return open_draft_task(code="T-2021-007", seats={kj: 1, ga: 1})


def test_the_lead_withdraws_an_unconfirmed_invitation_with_its_reason(joint, planner, ga):
    withdraw_invitation(actor=planner, task=joint, department=ga, reason="  公安局本季度无法派员 ")
    assert list(joint.participations.values_list("department__code", flat=True)) == ["KJ"]
    event = AuditEvent.objects.get(action="tasks.withdraw_invitation")
    assert event.detail == {"department": "GA", "seats": 1, "reason": "公安局本季度无法派员"}
    assert event.action_label == "撤回联合抽查邀请"
    assert event.actor == planner
    # Withdrawn, the department may be invited again.
    again = invite_department(actor=planner, task=joint, department=ga, seats=2)
    assert again.status == ParticipationStatus.INVITED


@pytest.mark.parametrize("reason", ["", "   ", "\u200b"])
def test_a_withdrawal_without_a_reason_is_refused_and_keeps_the_invitation(
    joint, planner, ga, reason
):
    with pytest.raises(ValidationError) as refused:
        withdraw_invitation(actor=planner, task=joint, department=ga, reason=reason)
    assert refused.value.message_dict["reason"] == ["撤回邀请须说明原因"]
    assert joint.participations.filter(department=ga).exists()
    assert not AuditEvent.objects.filter(action="tasks.withdraw_invitation").exists()


def test_a_confirmed_department_cannot_be_withdrawn(joint, planner, ga, ga_department_admin):
    confirm_participation(actor=ga_department_admin, task=joint)
    with pytest.raises(ValidationError, match="市公安局已确认参与该任务，不能撤回邀请"):
        withdraw_invitation(actor=planner, task=joint, department=ga, reason="不再需要")
    assert joint.participations.get(department=ga).is_confirmed


def test_no_withdrawal_once_the_draw_is_announced(joint, planner, ga, ga_department_admin):
    confirm_participation(actor=ga_department_admin, task=joint)
    announce_firms_draw(actor=planner, task=joint)
    with pytest.raises(ValidationError, match="检查对象抽取已公告.*不能再撤回邀请"):
        withdraw_invitation(actor=planner, task=joint, department=ga, reason="不再需要")
    assert joint.participations.filter(department=ga).exists()


def test_no_withdrawal_from_an_abandoned_task(joint, planner, ga):
    abandon_task(actor=planner, task=joint, reason="计划调整")
    with pytest.raises(ValidationError, match="已终止.*不能再撤回邀请"):
        withdraw_invitation(actor=planner, task=joint, department=ga, reason="不再需要")
    assert joint.participations.filter(department=ga).exists()


def test_only_the_leads_planner_withdraws(
    joint, planner, ga, kj, ga_department_admin, department_admin
):
    for someone in (ga_department_admin, department_admin):
        with pytest.raises(PermissionDenied):
            withdraw_invitation(actor=someone, task=joint, department=ga, reason="不再需要")
    with pytest.raises(ValidationError, match="未被邀请参与该任务"):
        withdraw_invitation(
            actor=planner,
            task=joint,
            department=kj,  # the lead's own row is not an invitation
            reason="不再需要",
        )
    assert TaskDepartment.objects.filter(task=joint).count() == 2


def test_the_edit_page_offers_the_withdrawal_with_a_confirmation(client, joint, planner, ga):
    log_in(client, planner)
    page = client.get(reverse("tasks:edit", args=[joint.pk])).content.decode()
    url = reverse("tasks:withdraw", args=[joint.pk, "GA"])
    assert f'action="{url}"' in page
    assert 'data-testid="withdraw-GA"' in page and "data-confirm=" in page
    assert "撤回不能撤销：市公安局不再参与本任务" in page

    refused = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "撤回邀请须说明原因" in refused
    assert joint.participations.filter(department=ga).exists()

    response = client.post(url, {"reason": "无法派员"})
    assert response["Location"] == reverse("tasks:detail", args=[joint.pk])
    assert not joint.participations.filter(department=ga).exists()
    body = client.get(response["Location"]).content.decode()
    assert "已撤回对市公安局的联合抽查邀请" in body
    page = client.get(reverse("tasks:edit", args=[joint.pk])).content.decode()
    assert 'data-testid="pending-invitations"' not in page


def test_a_confirmed_invitation_is_not_offered_for_withdrawal(
    client, joint, planner, ga_department_admin
):
    confirm_participation(actor=ga_department_admin, task=joint)
    log_in(client, planner)
    page = client.get(reverse("tasks:edit", args=[joint.pk])).content.decode()
    assert 'data-testid="withdraw-GA"' not in page
