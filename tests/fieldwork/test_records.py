"""The whole-process record: one inspection per drawn firm, stage by stage, append-only,
hash-chained, corrected only by new records, and written only by the drawn team."""

import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from backend.audit.models import AuditEvent
from fieldwork import chain
from fieldwork.models import Inspection, InspectionRecord, InspectionState, RecordKind
from fieldwork.selectors.records import checkpoints_of, latest, missing_for_submission, payload_of
from fieldwork.services import records
from fieldwork.services.inspections import start_fieldwork
from inspections.draws import dr1
from inspections.draws.models import DrawPurpose
from inspections.planning.models import TaskStatus

# The fixtures' task ran in June 2021: a submission today is after its window, and says why.
LATE = "2021年的检查时间已过，补交审核（测试）"


def test_starting_fieldwork_opens_one_inspection_per_drawn_firm_with_its_team(started):
    draw = started.draws.get(purpose=DrawPurpose.TEAMS)
    seats = dr1.parse_teams_result(bytes(draw.result))
    inspections = list(started.inspections.order_by("code"))
    assert started.status == TaskStatus.IN_PROGRESS
    assert sorted(i.firm_uscc for i in inspections) == sorted({s.firm for s in seats})
    assert inspections[0].code == f"{started.code}-001"
    for inspection in inspections:
        drawn = {s.officer for s in seats if s.firm == inspection.firm_uscc}
        assert set(inspection.members.values_list("certificate_number", flat=True)) == drawn
        assert inspection.state == InspectionState.PLANNED
        assert inspection.result_codes == []  # "not yet inspected", never a finding


def test_fieldwork_starts_only_once_and_only_after_the_teams_draw(planner, started, teams_drawn):
    with pytest.raises(ValidationError):
        start_fieldwork(actor=planner, task=started)
    assert Inspection.objects.filter(task=started).count() == started.inspections.count()


def test_the_team_records_every_stage_and_the_chain_holds(inspection, team, fill_record):
    inspection = fill_record(inspection, team)
    kinds = list(inspection.records.order_by("sequence").values_list("kind", flat=True))
    assert kinds[:3] == [RecordKind.APPROVAL, RecordKind.NOTICE, RecordKind.ON_SITE]
    assert kinds[-3:] == [
        RecordKind.RESULT,
        RecordKind.FIRM_OPINION,
        RecordKind.OFFICER_SIGNATURES,
    ]
    assert inspection.state == InspectionState.ON_SITE
    assert inspection.result_codes == ["no-problem"]
    assert missing_for_submission(inspection) == []
    rows = list(inspection.records.order_by("sequence"))
    assert rows[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.content_hash for a, b in zip(rows, rows[1:], strict=False))
    assert (
        chain.verify((r.sequence, payload_of(r), r.prev_hash, r.content_hash) for r in rows) is None
    )
    arrival = rows[2]  # after the approval and the notice
    assert arrival.content["certificates_shown"] is True
    assert len(arrival.content["officers"]) == 2
    assert str(arrival.latitude) == "43.880000"
    assert AuditEvent.objects.filter(action="fieldwork.on_site", outcome="success").exists()


def test_submission_lists_what_is_missing_and_review_makes_the_result_final(
    inspection, team, fill_record, department_admin
):
    first = team[0]
    records.issue_notice(
        actor=first, inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    with pytest.raises(ValidationError) as refused:
        records.submit_for_review(actor=first, inspection=inspection, late_reason=LATE)
    messages = refused.value.message_dict["non_field_errors"]
    assert any("到达现场" in m for m in messages) and any("检查结果" in m for m in messages)

    inspection = Inspection.objects.get(pk=inspection.pk)
    other = Inspection.objects.exclude(pk=inspection.pk).filter(task=inspection.task)
    assert other.exists()
    # Carry on from the notice: arrival onwards.
    numbers = [m.certificate_number for m in inspection.members.all()]
    records.record_arrival(
        actor=first,
        inspection=inspection,
        method="onsite",
        officers_present=numbers,
        certificates_shown=True,
        code_unverified_reason="检查对象未扫码核验（测试）",
    )
    for point in checkpoints_of(inspection):
        records.record_findings(actor=first, inspection=inspection, check_point=point, checked=True)
    records.record_result(actor=first, inspection=inspection, codes=["no-problem"])
    records.record_firm_opinion(
        actor=first, inspection=inspection, opinion="", signatory="王经理", signed=True
    )
    records.record_officer_signatures(actor=first, inspection=inspection, signed_by=numbers)
    records.submit_for_review(actor=first, inspection=inspection, late_reason=LATE)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED

    with pytest.raises(ValidationError) as refused:
        records.review_result(actor=department_admin, inspection=inspection, agree=False)
    assert "审核意见" in str(refused.value)
    records.review_result(
        actor=department_admin, inspection=inspection, agree=False, opinion="要点2描述不清"
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.RETURNED
    finding = latest(inspection, RecordKind.FINDINGS)
    records.record_findings(
        actor=first,
        inspection=inspection,
        check_point=checkpoints_of(inspection)[-1],
        checked=True,
        description="已核对全部外籍员工的工作许可证",
        corrects=finding,
        reason="审核退回：补充描述",
    )
    records.submit_for_review(actor=first, inspection=inspection, late_reason=LATE)
    records.review_result(actor=department_admin, inspection=inspection, agree=True)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.REVIEWED
    assert inspection.reviewed_by == department_admin


def test_the_task_is_results_reviewed_when_every_inspection_is(
    started, login_for, fill_record, department_admin
):
    for inspection in started.inspections.order_by("code"):
        team = [login_for(m.officer) for m in inspection.members.all()]
        fill_record(inspection, team)
        records.submit_for_review(actor=team[1], inspection=inspection, late_reason=LATE)
        started.refresh_from_db()
        assert started.status == TaskStatus.IN_PROGRESS
        records.review_result(actor=department_admin, inspection=inspection, agree=True)
    started.refresh_from_db()
    assert started.status == TaskStatus.RESULTS_REVIEWED
    assert started.transitions.order_by("-pk").first().reason == "全部检查结果已审核"


def test_only_the_drawn_team_writes_the_record(inspection, outsider, planner, ga_inspector):
    for user in (outsider, planner, ga_inspector):
        with pytest.raises(PermissionDenied):
            records.issue_notice(
                actor=user, inspection=inspection, served_on=date.today(), delivery="当面送达"
            )
    assert not inspection.records.exclude(kind=RecordKind.APPROVAL).exists()


def test_a_team_member_may_not_review_and_only_the_lead_department_head_does(
    inspection, team, fill_record, ga_department_admin, make_user, kj
):
    from backend.accounts.roles import Role

    fill_record(inspection, team)
    records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
    with pytest.raises(PermissionDenied):
        records.review_result(actor=ga_department_admin, inspection=inspection, agree=True)
    with pytest.raises(PermissionDenied):
        records.review_result(actor=team[0], inspection=inspection, agree=True)
    # A department head who also sits on the team (linked to a seated officer) is recused.
    head = make_user("kj_head_on_team", Role.DEPARTMENT_ADMIN, kj)
    officer = team[1].officer
    officer.user = head
    officer.save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        records.review_result(actor=head, inspection=inspection, agree=True)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"certificates_shown": False}, "certificates_shown", "certificates_not_shown"),
        ({"officers_present": "one"}, "officers_present", "too_few_officers"),
        ({"officers_present": ["2201X99999999", "x"]}, "officers_present", "not_team_member"),
        ({"method": "telepathy"}, "method", "unknown_method"),
    ],
)
def test_a_bad_arrival_is_refused_and_nothing_is_recorded(inspection, team, kwargs, field, code):
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    numbers = [m.certificate_number for m in inspection.members.all()]
    arguments = {
        "method": "onsite",
        "officers_present": numbers,
        "certificates_shown": True,
        **kwargs,
    }
    if arguments["officers_present"] == "one":
        arguments["officers_present"] = numbers[:1]
    with pytest.raises(ValidationError) as refused:
        records.record_arrival(actor=team[0], inspection=inspection, **arguments)
    assert field in refused.value.message_dict
    assert refused.value.error_dict[field][0].code == code
    assert inspection.records.count() == 2  # the approval, then this one


def test_an_expired_certificate_cannot_inspect(inspection, team):
    member = inspection.members.first()
    certificate = member.officer.certificates.get(number=member.certificate_number)
    type(certificate).objects.filter(pk=certificate.pk).update(
        valid_to=date.today() - timedelta(days=1)
    )
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    with pytest.raises(ValidationError, match="无效"):
        records.record_arrival(
            actor=team[0],
            inspection=inspection,
            method="onsite",
            officers_present=[m.certificate_number for m in inspection.members.all()],
            certificates_shown=True,
        )


@pytest.mark.parametrize(
    ("codes", "code"),
    [
        (["no-such-code"], "unknown_result"),
        (["no-problem", "rectified"], "result_exclusive"),
        (["follow-up"], "result_needs_child"),
        ([], "result_required"),
    ],
)
def test_a_result_outside_the_code_table_is_refused(inspection, team, fill_record, codes, code):
    fill_record(inspection, team)
    before = inspection.records.count()
    with pytest.raises(ValidationError) as refused:
        records.record_result(
            actor=team[0],
            inspection=inspection,
            codes=codes,
            corrects=latest(inspection, RecordKind.RESULT),
            reason="复核",
        )
    assert refused.value.error_dict["codes"][0].code == code
    assert inspection.records.count() == before


def test_a_missing_signature_is_refused(inspection, team, fill_record):
    fill_record(inspection, team)
    with pytest.raises(ValidationError, match="签名缺失"):
        records.record_firm_opinion(
            actor=team[0],
            inspection=inspection,
            opinion="",
            signatory="",
            signed=False,
            corrects=latest(inspection, RecordKind.FIRM_OPINION),
            reason="重签",
        )
    with pytest.raises(ValidationError, match="执法人员签名缺失"):
        records.record_officer_signatures(
            actor=team[0],
            inspection=inspection,
            signed_by=[inspection.members.first().certificate_number],
            corrects=latest(inspection, RecordKind.OFFICER_SIGNATURES),
            reason="重签",
        )


def test_a_correction_is_a_new_record_pointing_at_the_old_one(inspection, team, fill_record):
    fill_record(inspection, team, codes=["no-problem"])
    old = latest(inspection, RecordKind.RESULT)
    with pytest.raises(ValidationError, match="原因"):
        records.record_result(
            actor=team[0], inspection=inspection, codes=["rectified"], corrects=old
        )
    new = records.record_result(
        actor=team[0],
        inspection=inspection,
        codes=["rectified"],
        corrects=old,
        reason="现场已责令改正，原选择有误",
    )
    old.refresh_from_db()
    assert old.content["codes"] == ["no-problem"]  # untouched
    assert new.corrects == old and new.sequence > old.sequence
    assert latest(inspection, RecordKind.RESULT) == new
    inspection.refresh_from_db()
    assert inspection.result_codes == ["rectified"]
    with pytest.raises(ValidationError, match="已被更正"):
        records.record_result(
            actor=team[0], inspection=inspection, codes=["no-problem"], corrects=old, reason="x"
        )


def test_a_repeated_submission_with_the_same_key_is_one_record(inspection, team):
    key = uuid.uuid4()
    first = records.issue_notice(
        actor=team[0],
        inspection=inspection,
        served_on=date.today(),
        delivery="当面送达",
        idempotency_key=key,
    )
    again = records.issue_notice(
        actor=team[1],
        inspection=inspection,
        served_on=date.today(),
        delivery="当面送达",
        idempotency_key=key,
    )
    assert again.pk == first.pk and inspection.records.count() == 2  # with the approval


def test_verify_records_reports_a_tampered_record(inspection, team, fill_record, capsys):
    fill_record(inspection, team)
    call_command("verify_records")
    assert "摘要链完整" in capsys.readouterr().out
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        record = inspection.records.get(kind=RecordKind.RESULT)
        InspectionRecord.objects.filter(pk=record.pk).update(
            content={**record.content, "codes": ["rectified"]}
        )
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError) as broken:
        call_command("verify_records")
    assert broken.value.returncode == 1
    assert f"第{record.sequence}条记录的内容与其摘要不符" in capsys.readouterr().err


def test_verify_records_reports_a_removed_record(inspection, team, fill_record, capsys):
    fill_record(inspection, team)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
    try:
        InspectionRecord.objects.filter(inspection=inspection, sequence=2).delete()
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError):
        call_command("verify_records", inspection.code)
    assert "第2条记录缺失" in capsys.readouterr().err


@pytest.mark.postgres
@pytest.mark.parametrize("statement", ["UPDATE {t} SET place = 'x'", "DELETE FROM {t}"])
def test_postgresql_refuses_to_change_a_record(inspection, team, statement):
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(t="fieldwork_inspectionrecord"))
    assert inspection.records.count() == 2  # the approval, then this one


def test_the_chain_cannot_fork(inspection, team):
    record = records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    fork = InspectionRecord(
        inspection=inspection,
        sequence=2,
        kind=RecordKind.NOTICE,
        content={},
        occurred_at=record.occurred_at,
        recorded_at=record.recorded_at,
        recorded_by=team[0],
        prev_hash=record.prev_hash,
        content_hash="f" * 64,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()
