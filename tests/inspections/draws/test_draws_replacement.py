"""作废 and 递补: an abandoned draw stays on record; its replacement names it and the reason,
approved by the lead department's administrator."""

import pytest
from django.core.exceptions import ValidationError

from backend.audit.models import AuditEvent
from inspections.draws import dr1
from inspections.draws.models import Draw, DrawStatus
from inspections.draws.services.draws import abandon_draw, announce_firms_draw, perform_draw
from inspections.planning.models import TaskStatus


@pytest.fixture
def abandoned(planner, open_draft_task):
    draw = announce_firms_draw(actor=planner, task=open_draft_task(witnesses=["纪检监督员"]))
    return abandon_draw(actor=planner, draw=draw, reason="见证人未到场")


def test_an_abandoned_draw_stays_with_its_reason(abandoned):
    stored = Draw.objects.get(pk=abandoned.pk)
    assert stored.status == DrawStatus.ABANDONED and stored.abandoned_reason == "见证人未到场"
    assert stored.task.status == TaskStatus.FIRMS_ANNOUNCED
    assert AuditEvent.objects.filter(action="draws.abandon").count() == 1


def test_a_replacement_names_the_draw_and_reason_and_verifies(planner, department_admin, abandoned):
    draw = announce_firms_draw(
        actor=planner,
        task=abandoned.task,
        replaces=abandoned,
        reason="见证人未到场，重新公告",
        approved_by=department_admin,
    )
    assert draw.announcement["replaces"] == abandoned.public_id
    assert draw.announcement["reason"] == "见证人未到场，重新公告"
    assert draw.replaces == abandoned and draw.public_id != abandoned.public_id
    draw = perform_draw(actor=planner, draw=draw, witness_values=["9"])
    assert dr1.verify(draw.announcement, draw.reveal, bytes(draw.pool), bytes(draw.result)).ok
    assert abandoned.task.draws.count() == 2


@pytest.mark.parametrize(
    "reason, approver, message",
    [
        ("", "department_admin", "递补抽取须说明原因"),
        ("重新公告", None, "递补抽取须经发起部门负责人（部门管理员）批准"),
        ("重新公告", "planner", "递补抽取须经发起部门负责人（部门管理员）批准"),
        # Published as hashed, for good: no ID number or phone can be masked there afterwards.
        (
            "见证人王某（13904311234）未到场",
            "department_admin",
            "递补原因随抽取公告永久公开，不能含身份证号码或电话号码",
        ),
    ],
)
def test_a_replacement_without_reason_or_approval_is_refused(
    request, planner, abandoned, reason, approver, message
):
    approved_by = request.getfixturevalue(approver) if approver else None
    with pytest.raises(ValidationError) as refused:
        announce_firms_draw(
            actor=planner,
            task=abandoned.task,
            replaces=abandoned,
            reason=reason,
            approved_by=approved_by,
        )
    assert refused.value.messages == [message]
    assert Draw.objects.count() == 1


def test_a_performed_draw_cannot_be_abandoned(planner, open_draft_task):
    draw = announce_firms_draw(actor=planner, task=open_draft_task())
    draw = perform_draw(actor=planner, draw=draw, witness_values=[])
    with pytest.raises(ValidationError) as refused:
        abandon_draw(actor=planner, draw=draw, reason="重抽")
    assert refused.value.messages == [f"抽取{draw.public_id}当前为“已抽取”，不能作废"]
