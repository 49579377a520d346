"""Certificates: issue, renew, suspend, restore and revoke, each with a reason, each audited,
and a history that is appended, never overwritten."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from backend.audit.models import AuditEvent
from personnel import services
from personnel.models import Certificate, CertificateEvent, CertificateStatus


def _history(certificate):
    return list(
        certificate.events.order_by("at", "pk").values_list(
            "action", "status_before", "status_after", "valid_to"
        )
    )


def test_issuing_a_certificate_records_its_first_event_and_an_audit_entry(
    department_admin, officer, foreign_work, exit_entry
):
    certificate = services.issue_certificate(
        actor=department_admin,
        officer=officer,
        number=" 22010021000001 ",
        kind="national",
        issuing_authority="长春市人民政府",
        enforcement_fields=[foreign_work, exit_entry],
        valid_from=date(2021, 1, 1),
        valid_to=date(2025, 12, 31),
        reason="2020年行政执法资格考试合格",
    )
    assert certificate.number == "22010021000001"
    assert certificate.status == CertificateStatus.VALID
    assert set(certificate.enforcement_fields.values_list("code", flat=True)) == {
        "FOREIGN_WORK",
        "EXIT_ENTRY",
    }
    assert _history(certificate) == [("issue", "", "valid", date(2025, 12, 31))]
    event = certificate.events.get()
    assert event.actor == department_admin and event.reason == "2020年行政执法资格考试合格"
    audit = AuditEvent.objects.get(action="personnel.certificate.issue")
    assert audit.object_id == str(certificate.pk)
    assert audit.detail["number"] == "22010021000001"
    assert audit.detail["fields"] == ["EXIT_ENTRY", "FOREIGN_WORK"]


def test_every_transition_appends_an_event_and_the_history_can_be_replayed(
    department_admin, certified_officer
):
    certificate = certified_officer.certificates.get()
    services.renew_certificate(
        actor=department_admin, certificate=certificate, valid_to=date(2029, 12, 31), reason="换证"
    )
    services.suspend_certificate(actor=department_admin, certificate=certificate, reason="违规执法")
    services.restore_certificate(actor=department_admin, certificate=certificate, reason="整改完成")
    services.revoke_certificate(
        actor=department_admin, certificate=certificate, reason="调离执法岗位"
    )

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.valid_to == date(2029, 12, 31)
    assert _history(certificate) == [
        ("issue", "", "valid", date(2024, 12, 31)),
        ("renew", "valid", "valid", date(2029, 12, 31)),
        ("suspend", "valid", "suspended", date(2029, 12, 31)),
        ("restore", "suspended", "valid", date(2029, 12, 31)),
        ("revoke", "valid", "revoked", date(2029, 12, 31)),
    ]
    # The chain of events is consistent: each step starts where the previous one ended.
    events = list(certificate.events.order_by("at", "pk"))
    for before, after in zip(events, events[1:], strict=False):
        assert after.status_before == before.status_after
    assert events[-1].status_after == certificate.status
    actions = AuditEvent.objects.filter(action__startswith="personnel.certificate.").values_list(
        "action", flat=True
    )
    assert sorted(actions) == sorted(
        f"personnel.certificate.{a}" for a in ("issue", "renew", "suspend", "restore", "revoke")
    )


def test_a_suspended_certificate_can_be_revoked(department_admin, certified_officer):
    certificate = certified_officer.certificates.get()
    services.suspend_certificate(actor=department_admin, certificate=certificate, reason="暂扣")
    services.revoke_certificate(actor=department_admin, certificate=certificate, reason="撤销")
    assert _history(certificate)[-1][1:3] == ("suspended", "revoked")


@pytest.mark.parametrize(
    "setup,step",
    [
        pytest.param(["revoke"], "restore", id="a revoked certificate is never restored"),
        pytest.param(["revoke"], "suspend", id="a revoked certificate cannot be suspended"),
        pytest.param(["revoke"], "revoke", id="a revoked certificate cannot be revoked again"),
        pytest.param(["revoke"], "renew", id="a revoked certificate cannot be renewed"),
        pytest.param([], "restore", id="a valid certificate has nothing to restore"),
        pytest.param(["suspend"], "suspend", id="a suspended certificate is not suspended twice"),
        pytest.param(["suspend"], "renew", id="a suspended certificate is not renewed"),
    ],
)
def test_refused_transitions_change_nothing(department_admin, certified_officer, setup, step):
    certificate = certified_officer.certificates.get()
    for action in setup:
        getattr(services, f"{action}_certificate")(
            actor=department_admin, certificate=certificate, reason="前置"
        )
    certificate.refresh_from_db()
    before = (certificate.status, certificate.valid_to, certificate.events.count())
    audits = AuditEvent.objects.count()
    kwargs = {"valid_to": date(2030, 1, 1)} if step == "renew" else {}
    with pytest.raises(ValidationError) as error:
        getattr(services, f"{step}_certificate")(
            actor=department_admin, certificate=certificate, reason="尝试", **kwargs
        )
    assert error.value.code == "invalid_transition"
    assert "不能" in error.value.messages[0]
    certificate.refresh_from_db()
    assert (certificate.status, certificate.valid_to, certificate.events.count()) == before
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("step", ["renew", "suspend", "restore", "revoke"])
def test_every_transition_needs_a_reason(department_admin, certified_officer, step):
    certificate = certified_officer.certificates.get()
    kwargs = {"valid_to": date(2030, 1, 1)} if step == "renew" else {}
    with pytest.raises(ValidationError) as error:
        getattr(services, f"{step}_certificate")(
            actor=department_admin, certificate=certificate, reason="  ", **kwargs
        )
    assert "请填写理由" in str(error.value)


def test_issuing_needs_a_reason_and_a_field(department_admin, officer, foreign_work):
    common = dict(
        actor=department_admin,
        officer=officer,
        number="X1",
        kind="national",
        issuing_authority="长春市人民政府",
        valid_from=date(2021, 1, 1),
        valid_to=date(2025, 1, 1),
    )
    with pytest.raises(ValidationError, match="理由"):
        services.issue_certificate(**common, enforcement_fields=[foreign_work], reason="")
    with pytest.raises(ValidationError, match="执法领域"):
        services.issue_certificate(**common, enforcement_fields=[], reason="发证")
    assert not Certificate.objects.exists()


def test_renewal_must_extend_the_validity(department_admin, certified_officer):
    certificate = certified_officer.certificates.get()
    with pytest.raises(ValidationError, match="应晚于当前截止日期2024年12月31日"):
        services.renew_certificate(
            actor=department_admin,
            certificate=certificate,
            valid_to=date(2024, 12, 31),
            reason="续",
        )


def test_an_expired_certificate_can_be_renewed(department_admin, officer, make_certificate):
    certificate = make_certificate(
        officer, valid_from=date(2015, 1, 1), valid_to=date(2019, 12, 31)
    )
    assert certificate.status_on(date(2021, 6, 1)) == CertificateStatus.EXPIRED
    services.renew_certificate(
        actor=department_admin, certificate=certificate, valid_to=date(2026, 12, 31), reason="换证"
    )
    certificate.refresh_from_db()
    assert certificate.status_on(date(2021, 6, 1)) == CertificateStatus.VALID


def test_certificate_numbers_are_unique(officer, make_certificate):
    make_certificate(officer, number="SAME-1")
    with pytest.raises(ValidationError, match="证件编号已存在"):
        make_certificate(officer, number="SAME-1")


def test_the_database_refuses_a_duplicate_number_and_a_backwards_period(officer, make_certificate):
    make_certificate(officer, number="DB-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            officer=officer,
            number="DB-1",
            kind="national",
            issuing_authority="x",
            valid_from=date(2021, 1, 1),
            valid_to=date(2022, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            officer=officer,
            number="DB-2",
            kind="national",
            issuing_authority="x",
            valid_from=date(2022, 1, 1),
            valid_to=date(2021, 1, 1),
        )
    # "Expired" is derived from the dates, never stored.
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            officer=officer,
            number="DB-3",
            kind="national",
            issuing_authority="x",
            valid_from=date(2021, 1, 1),
            valid_to=date(2022, 1, 1),
            status="expired",
        )


def test_expiry_is_derived_from_the_dates(officer, make_certificate):
    certificate = make_certificate(
        officer, valid_from=date(2021, 1, 1), valid_to=date(2021, 12, 31)
    )
    assert certificate.status_on(date(2020, 12, 31)) == CertificateStatus.NOT_YET_VALID
    assert certificate.status_on(date(2021, 1, 1)) == CertificateStatus.VALID
    assert certificate.status_on(date(2021, 12, 31)) == CertificateStatus.VALID
    assert certificate.status_on(date(2022, 1, 1)) == CertificateStatus.EXPIRED
    assert certificate.status_label_on(date(2022, 1, 1)) == "过期"


def test_a_suspension_outranks_the_dates(department_admin, certified_officer):
    certificate = services.suspend_certificate(
        actor=department_admin, certificate=certified_officer.certificates.get(), reason="暂扣"
    )
    assert certificate.status_on(date(2021, 6, 1)) == CertificateStatus.SUSPENDED
    assert certificate.status_on(date(2030, 6, 1)) == CertificateStatus.SUSPENDED


def test_an_officer_who_left_gets_no_certificate(officer, make_certificate):
    services.update_officer(actor=None, officer=officer, status="retired")
    officer.refresh_from_db()
    with pytest.raises(ValidationError, match="已退休"):
        make_certificate(officer)


def test_only_the_own_department_administrator_manages_certificates(
    certified_officer, ga_department_admin, planner, department_admin
):
    certificate = certified_officer.certificates.get()
    for outsider in (ga_department_admin, planner):
        with pytest.raises(PermissionDenied):
            services.suspend_certificate(actor=outsider, certificate=certificate, reason="越权")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    services.suspend_certificate(actor=department_admin, certificate=certificate, reason="本部门")


@pytest.mark.postgres
def test_postgresql_refuses_to_rewrite_certificate_history(certified_officer):
    event = CertificateEvent.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CertificateEvent.objects.filter(pk=event.pk).update(reason="改写")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CertificateEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            # Check the deferred foreign keys of the inserts first, or PostgreSQL refuses the
            # TRUNCATE for another reason.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE personnel_certificateevent CASCADE")
    assert CertificateEvent.objects.get().reason == "通过行政执法资格考试"
