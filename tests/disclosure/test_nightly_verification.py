"""The nightly verification: every chain, every checkpoint and every performed draw, and an
alert to the security and audit administrators when anything does not hold."""

import pytest
from disclosure_builders import carry_out, drawn_task
from django.core import mail
from django.core.management import CommandError, call_command

from backend.audit.models import AuditEvent, Outcome
from backend.checkpoints.nightly import registered_checks
from backend.checkpoints.services import make_checkpoint
from fieldwork.models import InspectionRecord
from inspections.draws.models import Draw, DrawStatus
from tests.checkpoint_attacks import as_dba, delete_audit_tail


@pytest.fixture
def night(kj, planner, department_admin, security_admin, audit_admin, system_admin):
    """A task drawn, inspected and reviewed; a checkpoint made; the administrators' mail set."""
    for user, email in (
        (security_admin, "sec@kj.example.gov.cn"),
        (audit_admin, "audit@kj.example.gov.cn"),
        (system_admin, "sys@kj.example.gov.cn"),
        (planner, "planner@kj.example.gov.cn"),
    ):
        user.email = email
        user.save(update_fields=["email"])
    task = drawn_task(department=kj, planner=planner, department_admin=department_admin, firms=3)
    inspections = carry_out(task, planner=planner, reviewer=department_admin)
    make_checkpoint()
    return inspections


def _run():
    try:
        call_command("verify_nightly")
    except CommandError as error:
        return error
    return None


def test_every_chain_is_checked_and_an_intact_night_is_recorded_without_alert(night, capsys):
    assert [c.name for c in registered_checks()] == ["checkpoints", "audit", "records", "draws"]
    assert _run() is None
    out = capsys.readouterr().out
    for label in ("签名检查点", "审计日志哈希链", "全过程记录摘要链", "已进行的抽取"):
        assert f"✓ {label}：完好" in out
    assert mail.outbox == []
    event = AuditEvent.objects.get(action="checkpoint.nightly_passed")
    assert event.outcome == Outcome.SUCCESS
    assert event.detail["checked"] == ["checkpoints", "audit", "records", "draws"]


def test_a_deleted_audit_tail_alerts_the_security_and_audit_administrators(night, capsys):
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[5]
    delete_audit_tail(after_id=last)
    error = _run()
    assert error is not None and error.returncode == 1
    assert "签名检查点" in str(error)
    (message,) = mail.outbox
    assert sorted(message.to) == ["audit@kj.example.gov.cn", "sec@kj.example.gov.cn"]
    assert "【签名检查点】" in message.body and "审计" in message.body
    alert = AuditEvent.objects.get(action="checkpoint.nightly_alert")
    assert alert.outcome == Outcome.FAILURE
    assert set(alert.detail["alerted"]) == {"chen_audit", "feng_sec"}
    assert "checkpoints" in alert.detail["broken"]


def test_a_record_edited_in_place_and_a_draw_rewritten_are_named(night, capsys):
    record = InspectionRecord.objects.filter(inspection=night[0]).order_by("sequence").last()
    draw = Draw.objects.filter(status=DrawStatus.PERFORMED).order_by("pk").first()
    with as_dba():
        InspectionRecord.objects.filter(pk=record.pk).update(content={"forged": True})
        Draw.objects.filter(pk=draw.pk).update(result=b"stratum,rank,key,ticket\n")
    error = _run()
    assert error is not None
    err = capsys.readouterr().err
    assert f"检查{night[0].code}的全过程记录链断裂" in err
    assert f"抽取{draw.public_id}验证未通过" in err
    (message,) = mail.outbox
    assert night[0].code in message.body and draw.public_id in message.body
    broken = AuditEvent.objects.get(action="checkpoint.nightly_alert").detail["broken"]
    assert {"records", "draws"} <= set(broken)


def test_the_alert_carries_no_personal_number(night):
    from backend.personal_numbers import has_personal_numbers

    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[2]
    delete_audit_tail(after_id=last)
    _run()
    (message,) = mail.outbox
    assert not has_personal_numbers(message.body)
