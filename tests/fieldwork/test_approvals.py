"""行政检查审批 (issue 15, item 3): no inspection starts before the head approves it; in an
emergency it starts first and the approval follows within the configured working days."""

import importlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from backend.audit.models import AuditEvent
from backend.workdays.services import enter_year
from fieldwork.models import ApprovalState, Inspection, InspectionState, RecordKind
from fieldwork.services import records
from fieldwork.services.approvals import approve_inspection, start_in_emergency


@pytest.fixture
def pending(started_unapproved):
    return started_unapproved.inspections.order_by("code").first()


@pytest.fixture
def pending_team(pending, login_for):
    return [login_for(m.officer) for m in pending.members.order_by("department__code", "seat")]


@pytest.fixture
def today_is(monkeypatch):
    """Make the product's "today" (Asia/Shanghai) a given date."""

    def set_today(day: date) -> None:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_today


@pytest.fixture
def national_day_2027(system_admin):
    """2027's schedule as entered: 1–7 October off, no adjusted working day."""
    enter_year(
        actor=system_admin,
        year=2027,
        source_document="国办发明电〔2026〕X号",
        holidays=[(date(2027, 10, d), "国庆节") for d in range(1, 8)],
        workdays=[],
    )


def _notice(actor, inspection, day=None):
    return records.issue_notice(
        actor=actor,
        inspection=inspection,
        served_on=day or date.today(),
        delivery="当面送达",
    )


def test_a_new_inspection_waits_for_approval_and_cannot_start(pending, pending_team):
    assert pending.approval_state == ApprovalState.PENDING
    with pytest.raises(ValidationError) as refused:
        _notice(pending_team[0], pending)
    assert refused.value.error_dict["non_field_errors"][0].code == "not_approved"
    assert "尚未经发起部门负责人审批" in str(refused.value)
    assert not pending.records.exists()
    pending.refresh_from_db()
    assert pending.state == InspectionState.PLANNED


def test_the_head_approves_the_form_in_the_chain_and_the_inspection_starts(
    pending, pending_team, department_admin
):
    record = approve_inspection(actor=department_admin, inspection=pending, opinion="同意")
    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.APPROVED
    assert pending.approved_by == department_admin and pending.approved_at == record.recorded_at
    assert record.kind == RecordKind.APPROVAL and record.sequence == 1
    form = record.content
    assert form["type"] == "routine" and form["basis"]["type_label"] == "日常检查"
    assert form["firm"] == {"uscc": pending.firm_uscc, "name": pending.firm_name}
    assert [i["code"] for i in form["items"]] == ["KJ-WGR-001"]
    assert sorted(o["certificate_number"] for o in form["officers"]) == sorted(
        pending.members.values_list("certificate_number", flat=True)
    )
    assert form["window"] == ["2021-06-07", "2021-06-30"] and form["methods"]
    assert form["after_the_fact"] is False and form["approver"] == "孙管理"
    assert AuditEvent.objects.filter(action="fieldwork.approve", outcome="success").exists()

    notice = _notice(pending_team[0], pending)
    assert notice.sequence == 2 and notice.prev_hash == record.content_hash
    call_command("verify_records", pending.code)  # the chain holds with its approval


@pytest.mark.parametrize("who", ["planner", "ga_department_admin", "member"])
def test_only_the_lead_departments_head_approves(
    request, who, pending, pending_team, make_user, kj
):
    from backend.accounts.roles import Role

    if who == "member":
        # A head who sits on the team cannot approve its own inspection.
        actor = pending_team[0]
        actor.role = Role.DEPARTMENT_ADMIN
        actor.save(update_fields=["role"])
    else:
        actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="负责人审批|检查组成员不能审批"):
        approve_inspection(actor=actor, inspection=pending)
    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.PENDING and pending.approved_by is None
    assert not pending.records.exists()


def test_an_approved_inspection_is_not_approved_twice(pending, department_admin):
    approve_inspection(actor=department_admin, inspection=pending)
    with pytest.raises(ValidationError, match="已审批，无需审批"):
        approve_inspection(actor=department_admin, inspection=pending)
    assert pending.records.count() == 1


# --- the emergency path --------------------------------------------------------------------------


def test_an_emergency_start_needs_its_reason(pending, pending_team):
    with pytest.raises(ValidationError, match="紧急先行检查须说明紧急情况"):
        start_in_emergency(actor=pending_team[0], inspection=pending, reason="  ")
    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.PENDING and not pending.records.exists()


def test_only_the_team_starts_in_an_emergency(pending, planner, department_admin):
    for actor in (planner, department_admin):
        with pytest.raises(PermissionDenied):
            start_in_emergency(actor=actor, inspection=pending, reason="现场发现安全隐患")
    assert not pending.records.exists()


def test_an_emergency_start_is_due_for_approval_after_the_holiday(
    pending, pending_team, department_admin, national_day_2027, today_is, settings
):
    settings.EMERGENCY_APPROVAL_WORKING_DAYS = 3
    today_is(date(2027, 9, 30))  # Thursday, the eve of National Day
    start = start_in_emergency(
        actor=pending_team[0], inspection=pending, reason="群众举报现场存在重大安全隐患"
    )
    pending.refresh_from_db()
    # 1–7 October are off: the three working days are 8, 11 and 12 October.
    assert pending.approval_due == date(2027, 10, 12)
    assert pending.approval_state == ApprovalState.EMERGENCY
    assert start.kind == RecordKind.EMERGENCY_START
    assert start.content["approval_due"] == "2027-10-12" and start.content["reason"]
    assert AuditEvent.objects.filter(action="fieldwork.emergency_start").exists()
    # It may start at once, flagged until approved.
    _notice(pending_team[0], pending, date(2027, 9, 30))
    pending.refresh_from_db()
    assert pending.state == InspectionState.NOTIFIED
    assert not pending.approval_overdue(date(2027, 10, 12))
    assert pending.approval_overdue(date(2027, 10, 13))

    today_is(date(2027, 10, 12))  # the last day
    approval = approve_inspection(actor=department_admin, inspection=pending)
    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.APPROVED_AFTER
    assert approval.content["after_the_fact"] is True
    assert AuditEvent.objects.filter(action="fieldwork.approve_after").exists()
    call_command("verify_records", pending.code)


def test_an_approval_after_its_deadline_is_refused_and_stays_flagged(
    pending, pending_team, department_admin, national_day_2027, today_is, settings
):
    settings.EMERGENCY_APPROVAL_WORKING_DAYS = 3
    today_is(date(2027, 9, 30))
    start_in_emergency(actor=pending_team[0], inspection=pending, reason="危险化学品泄漏风险")
    today_is(date(2027, 10, 13))
    with pytest.raises(ValidationError) as refused:
        approve_inspection(actor=department_admin, inspection=pending)
    assert refused.value.error_dict["non_field_errors"][0].code == "approval_overdue"
    assert "已超过期限，不能再补办审批" in str(refused.value)
    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.EMERGENCY and pending.approved_by is None
    assert pending.approval_overdue(date(2027, 10, 13))
    assert not pending.records.filter(kind=RecordKind.APPROVAL).exists()


def test_the_number_of_working_days_is_a_setting(
    pending, pending_team, national_day_2027, today_is, settings
):
    settings.EMERGENCY_APPROVAL_WORKING_DAYS = 1
    today_is(date(2027, 9, 30))
    start_in_emergency(actor=pending_team[0], inspection=pending, reason="线索显示正在销毁证据")
    pending.refresh_from_db()
    assert pending.approval_due == date(2027, 10, 8)


# --- the migration --------------------------------------------------------------------------------


def test_the_migration_marks_existing_inspections_approved_and_their_tasks_routine(
    started_unapproved,
):
    """Inspections opened before this feature (here: pending rows, as the new column's default
    leaves them) are marked approved by the migration; their tasks are 日常 by default."""
    from django.apps import apps

    migration = importlib.import_module(
        "fieldwork.migrations.0005_inspection_types_and_prior_approval"
    )
    migration.approve_existing_inspections(apps, None)
    inspections = list(Inspection.objects.filter(task=started_unapproved))
    assert inspections and all(
        i.approval_state == ApprovalState.MIGRATED and i.approved_at for i in inspections
    )
    assert all(i.may_proceed and i.inspection_type == "routine" for i in inspections)
    assert started_unapproved.inspection_type == "routine"
