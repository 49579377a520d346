"""The audit trail: every write that matters is recorded, the chain detects tampering, and
PostgreSQL refuses to change it at all."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from backend.audit.models import GENESIS_HASH, AuditEvent
from backend.audit.services import record_event
from backend.audit.verification import verify_chain
from tests.conftest import PASSWORD, log_in


def _three_events(user):
    return [record_event(action=f"test.step{i}", actor=user, detail={"i": i}) for i in range(3)]


def _tamper(sql: str, params):
    """Change the table behind the application's back, as an intruder with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_events_form_a_chain_from_the_genesis_hash(planner):
    first, second, third = _three_events(planner)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert third.compute_hash() == third.hash


def test_an_event_records_who_where_and_what(planner):
    event = record_event(action="test.act", actor=planner, obj=planner)
    event.refresh_from_db()
    assert event.actor_username == planner.username
    assert event.role == "planner"
    assert event.department_code == "KJ"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(planner.pk)
    assert event.outcome == "success"


def test_verify_audit_passes_on_an_intact_chain(planner, capsys):
    _three_events(planner)
    call_command("verify_audit")
    assert "审计链完好" in capsys.readouterr().out


def test_a_modified_event_is_detected(planner):
    _, second, _ = _three_events(planner)
    _tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.forged", second.id])
    report = verify_chain()
    assert not report.ok
    assert report.first_break.event_id == second.id
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert error.value.returncode == 1
    assert f"#{second.id}" in str(error.value)


def test_a_deleted_event_is_detected_at_its_successor(planner):
    _, second, third = _three_events(planner)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [second.id])
    report = verify_chain()
    assert report.first_break.event_id == third.id
    assert report.checked == 1


def test_the_chain_cannot_fork(planner):
    first = record_event(action="test.one", actor=planner)
    twin = AuditEvent.objects.get(pk=first.pk)
    twin.pk = None
    twin.hash = "f" * 64
    with pytest.raises(DatabaseError), transaction.atomic():
        twin.save(force_insert=True)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_postgresql_refuses_to_change_the_trail(planner, statement):
    record_event(action="test.keep", actor=planner)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.keep").exists()


def test_a_login_and_a_failed_login_are_recorded(client, planner):
    client.post(reverse("accounts:login"), {"username": planner.username, "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": planner.username, "password": PASSWORD})
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.actor_username == planner.username
    assert failed.outcome == "failure"
    assert failed.ip == "127.0.0.1"
    assert "wrong" not in str(failed.detail)
    login = AuditEvent.objects.get(action="auth.login")
    assert login.actor == planner
    assert login.request_id


def test_a_permission_refusal_is_recorded(client, planner):
    client.force_login(planner)
    client.get(reverse("audit:events"))
    client.get("/api/v1/audit-events/")
    refusals = AuditEvent.objects.filter(action="permission.denied", actor=planner)
    assert sorted(refusals.values_list("object_id", flat=True)) == [
        "/api/v1/audit-events/",
        reverse("audit:events"),
    ]
    assert set(refusals.values_list("outcome", flat=True)) == {"denied"}


def test_the_audit_administrator_searches_events(client, audit_admin, planner):
    record_event(action="test.alpha", actor=planner)
    record_event(action="test.beta", actor=audit_admin)
    log_in(client, audit_admin)
    body = client.get(reverse("audit:events"), {"actor": planner.username}).content.decode()
    assert "test.alpha" in body
    assert "test.beta" not in body


def test_an_export_is_an_xlsx_file_and_is_itself_recorded(client, audit_admin, planner):
    from io import BytesIO

    from openpyxl import load_workbook

    record_event(action="test.alpha", actor=planner, detail={"note": "=HYPERLINK(1)"})
    record_event(action="=cmd|' /C calc'!A0", actor=planner)
    log_in(client, audit_admin)
    response = client.get(reverse("audit:export"), {"actor": planner.username})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    actions = [row[6] for row in rows[1:]]
    assert actions == ["test.alpha", "'=cmd|' /C calc'!A0"]  # a formula never survives export
    export = AuditEvent.objects.get(action="audit.export")
    assert export.detail["rows"] == 2
    assert export.actor == audit_admin


def test_the_csv_export_opens_in_excel_as_utf8(client, audit_admin, planner):
    record_event(action="test.alpha", actor=planner)
    log_in(client, audit_admin)
    response = client.get(reverse("audit:export"), {"format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff编号,时间,账号")
    assert "test.alpha" in text
