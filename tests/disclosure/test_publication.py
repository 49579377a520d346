"""Publishing results: only reviewed ones, by the department that inspected, never while legal
review blocks it; corrections and withdrawals are new rows and both stay visible."""

from datetime import date

import pytest
from disclosure_builders import carry_out
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.models import AuditEvent
from disclosure.models import PublicationKind, PublishedResult
from disclosure.services import correct_result, publish_results, withdraw_result
from fieldwork.models import FollowUpKind, InspectionState
from fieldwork.services.followups import complete_follow_up, open_follow_up
from inspections.planning.models import TaskStatus


def _codes(error: ValidationError) -> set[str]:
    return {e.code for errors in error.error_dict.values() for e in errors}


def test_a_result_not_yet_reviewed_is_refused_and_never_public(
    task, planner, department_admin, client
):
    inspections = carry_out(task, planner=planner, reviewer=department_admin, review={0})
    submitted = inspections[1]
    assert submitted.state == InspectionState.SUBMITTED
    with pytest.raises(ValidationError) as refused:
        publish_results(actor=planner, inspections=[inspections[0], submitted])
    assert _codes(refused.value) == {"not_publishable"}
    assert "尚未审核" in str(refused.value)
    assert not PublishedResult.objects.exists()  # all or nothing

    publish_results(actor=planner, inspections=[inspections[0]])
    page = client.get(f"/public/firms/{submitted.firm_uscc}/").content.decode()
    assert "本平台尚未公示该对象的抽查检查结果" in page
    assert submitted.firm_uscc not in client.get("/api/v1/public/results/").content.decode()


def test_the_inspecting_department_publishes_its_planner_or_administrator(
    inspections, planner, department_admin
):
    first = publish_results(actor=department_admin, inspections=[inspections[0]])
    second = publish_results(actor=planner, inspections=[inspections[1]])
    assert [r.published_by for r in first + second] == [department_admin, planner]
    assert first[0].agency == "市科学技术局"
    assert first[0].department.code == "KJ"


@pytest.mark.parametrize("persona", ["ga_department_admin", "inspector", "legal_reviewer"])
def test_another_department_or_role_cannot_publish(inspections, request, persona):
    with pytest.raises(PermissionDenied):
        publish_results(actor=request.getfixturevalue(persona), inspections=inspections[:1])
    assert not PublishedResult.objects.exists()


def test_a_participating_department_does_not_publish_a_joint_tasks_results(
    inspections, make_user, ga
):
    # 谁检查、谁公开: the lead department reviewed the results; a participant's planner cannot.
    ga_planner = make_user("ga_planner", Role.PLANNER, ga)
    with pytest.raises(PermissionDenied, match="市科学技术局"):
        publish_results(actor=ga_planner, inspections=inspections[:1])


def test_a_result_is_published_once(inspections, planner):
    publish_results(actor=planner, inspections=inspections[:1])
    with pytest.raises(ValidationError, match="已于.*公示，如需修改请更正"):
        publish_results(actor=planner, inspections=inspections[:1])


def test_legal_review_pending_blocks_publication(inspections, planner, department_admin):
    from legalreview.services.decisions import DecisionContent, draft_decision, submit_decision

    inspection = inspections[0]
    decision = draft_decision(
        actor=department_admin,
        inspection=inspection,
        content=DecisionContent(
            decision_type="penalty",
            title="罚款决定",
            draft_text="决定书草稿",
            facts="非法聘用外国人",
            legal_basis="《中华人民共和国出境入境管理法》第八十条",
            discretion="本部门行政处罚裁量基准第三条",
            amount=50000,
            public_interest=True,
        ),
    )
    submit_decision(actor=department_admin, decision=decision)
    with pytest.raises(ValidationError, match="法制审核尚未完成"):
        publish_results(actor=planner, inspections=[inspection])
    # The other results of the task are not held back.
    assert len(publish_results(actor=planner, inspections=inspections[1:])) == 3


def test_publishing_every_result_moves_the_task_to_published(reviewed, inspections, planner):
    publish_results(actor=planner, inspections=inspections[:2])
    reviewed.refresh_from_db()
    assert reviewed.status == TaskStatus.RESULTS_REVIEWED

    publish_results(actor=planner, inspections=inspections[2:])
    reviewed.refresh_from_db()
    assert reviewed.status == TaskStatus.PUBLISHED
    move = reviewed.transitions.order_by("id").last()
    assert (move.actor, move.to_status, move.reason) == (None, "published", "全部检查结果已公示")


def test_publishing_writes_one_audit_event(inspections, planner):
    rows = publish_results(actor=planner, inspections=inspections[:2])
    event = AuditEvent.objects.filter(action="disclosure.publish").get()
    assert event.actor == planner
    assert event.detail["published"] == [r.code for r in rows]


def test_the_published_columns_are_the_public_ones(inspections, planner):
    row = publish_results(actor=planner, inspections=inspections[:1])[0]
    inspection = inspections[0]
    assert row.code == f"{inspection.code}-G1"
    assert (row.firm_uscc, row.firm_name) == (inspection.firm_uscc, inspection.firm_name)
    item = inspection.task.items.get()
    assert row.items == [{"code": item.item.code, "name": "外国人来华工作许可事项检查"}]
    assert row.inspected_on == date(2021, 6, 8)
    assert row.result_text == "未发现问题"
    assert row.result_codes == " no-problem "
    assert row.follow_up_status == "none"
    # Due 20 working days after the review, which happened today.
    assert row.due_on > timezone.localdate(row.published_at)


def _refer(inspection, actor):
    follow_up = open_follow_up(
        actor=actor,
        inspection=inspection,
        kind=FollowUpKind.REFER,
        opened_on=date(2021, 6, 20),
        details="涉嫌非法聘用外国人",
        authority="长春市公安局出入境管理支队",
    )
    return complete_follow_up(
        actor=actor, follow_up=follow_up, completed_on=date(2021, 7, 1), outcome="公安机关已受理"
    )


def test_a_correction_is_a_new_row_and_both_stay_visible_with_their_dates(
    task, planner, department_admin, client
):
    inspections = carry_out(
        task, planner=planner, reviewer=department_admin, results={0: ["follow-up-disclosure"]}
    )
    original = publish_results(actor=planner, inspections=inspections[:1])[0]
    assert original.follow_up_status == "none"
    with pytest.raises(ValidationError) as unchanged:
        correct_result(actor=planner, result=original, reason="复核")
    assert _codes(unchanged.value) == {"nothing_to_correct"}

    _refer(inspections[0], planner)
    correction = correct_result(actor=planner, result=original, reason="后续处置已完成")
    assert (correction.kind, correction.replaces, correction.code) == (
        PublicationKind.CORRECTION,
        original,
        f"{inspections[0].code}-G2",
    )
    assert correction.follow_up_status == "completed"
    original.refresh_from_db()  # unchanged: the row is final
    assert original.follow_up_status == "none"

    page = client.get(f"/public/firms/{original.firm_uscc}/").content.decode()
    assert original.code in page and correction.code in page
    assert "已更正" in page and "后续处置已完成" in page
    assert "移送案件线索（已完成 2021年7月1日）" in page
    api = client.get(f"/api/v1/public/results/{original.code}/").json()
    assert (api["status"], api["replaced_by"]) == ("corrected", correction.code)
    assert api["replaced_on"] == timezone.localdate(correction.published_at).isoformat()
    with pytest.raises(ValidationError, match="已被更正或撤回"):
        correct_result(actor=planner, result=original, reason="再次更正")


def test_a_withdrawal_stays_public_with_its_reason_date_and_deadline(inspections, planner, client):
    original = publish_results(actor=planner, inspections=inspections[:1])[0]
    withdrawal = withdraw_result(
        actor=planner, result=original, reason="原决定已被依法撤销", revoked_on=date(2026, 2, 13)
    )
    # Friday 13 Feb 2026 + 3 working days: Saturday 14 Feb (调休上班), then 24 and 25 Feb after
    # the Spring Festival holiday.
    assert withdrawal.due_on == date(2026, 2, 25)
    assert withdrawal.kind == PublicationKind.WITHDRAWAL
    assert withdrawal.firm_uscc == original.firm_uscc

    listed = client.get("/api/v1/public/results/").json()["results"]
    by_code = {r["code"]: r for r in listed}
    assert by_code[original.code]["status"] == "withdrawn"
    assert by_code[withdrawal.code]["status"] == "withdrawal"
    assert by_code[withdrawal.code]["reason"] == "原决定已被依法撤销"
    in_force = client.get("/api/v1/public/results/?status=in_force").json()["results"]
    assert original.code not in {r["code"] for r in in_force}
    page = client.get(f"/public/results/{original.code}/").content.decode()
    assert "已撤回" in page and "原决定已被依法撤销" in page
    with pytest.raises(ValidationError, match="撤回公告"):
        correct_result(actor=planner, result=withdrawal, reason="更正")


def test_a_withdrawal_or_correction_says_why(inspections, planner):
    original = publish_results(actor=planner, inspections=inspections[:1])[0]
    with pytest.raises(ValidationError) as refused:
        withdraw_result(actor=planner, result=original, reason=" ", revoked_on=date(2026, 1, 5))
    assert _codes(refused.value) == {"reason_required"}


@pytest.mark.postgres
def test_a_published_result_can_never_be_changed_or_deleted(inspections, planner):
    row = publish_results(actor=planner, inspections=inspections[:1])[0]
    statements = (
        ("UPDATE disclosure_publishedresult SET result_text = '篡改' WHERE id = %s", [row.pk]),
        ("DELETE FROM disclosure_publishedresultitem WHERE result_id = %s", [row.pk]),
        ("DELETE FROM disclosure_publishedresult WHERE id = %s", [row.pk]),
    )
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
