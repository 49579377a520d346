"""执法主体与受委托组织: the register's constraints, the audited services and their refusals, and
the staff page of the 部门管理员 (own department) and the system administrator (all)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from backend.audit.models import AuditEvent
from backend.codes import make_uscc
from backend.organisation.actions import OrganisationAction
from backend.organisation.bodies import check_registered, unregistered
from backend.organisation.models import EntrustedOrganisation, InspectionBody, LegalStatus
from backend.organisation.services import (
    add_entrusted_organisation,
    change_entrusted_organisation,
    register_inspection_body,
)

USCC = make_uscc(org_body8="MA0Y1234")


def _register(actor, department, **overrides):
    fields = {
        "legal_status": LegalStatus.ADMINISTRATIVE_ORGAN,
        "legal_basis": "《中华人民共和国科学技术进步法》第一百零五条",
        "confirmed_on": date(2025, 3, 1),
        "announcement_number": "长府法公告〔2025〕3号",
    }
    fields.update(overrides)
    return register_inspection_body(actor=actor, department=department, **fields)


def _entrust(actor, department, **overrides):
    fields = {
        "name": "市科技服务中心",
        "uscc": USCC,
        "entrustment_number": "KJWT-2025-01",
        "scope": "外国人来华工作许可事项检查",
        "valid_from": date(2025, 1, 1),
        "valid_until": date(2026, 12, 31),
        "published": True,
    }
    fields.update(overrides)
    return add_entrusted_organisation(actor=actor, department=department, **fields)


# --- the database's constraints ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_confirmation_date_without_its_number_is_refused_by_the_database(kj):
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionBody.objects.create(
            department=kj,
            legal_status=LegalStatus.ADMINISTRATIVE_ORGAN,
            legal_basis="某法",
            confirmed_on=date(2025, 1, 1),
        )


@pytest.mark.django_db
def test_an_unknown_legal_status_is_refused_by_the_database(kj):
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionBody.objects.create(department=kj, legal_status="committee", legal_basis="某法")


@pytest.mark.django_db
def test_a_period_ending_before_it_starts_is_refused_by_the_database(kj):
    with pytest.raises(IntegrityError), transaction.atomic():
        EntrustedOrganisation.objects.create(
            department=kj,
            name="某中心",
            uscc=USCC,
            entrustment_number="1",
            scope="某事项",
            valid_from=date(2025, 2, 1),
            valid_until=date(2025, 1, 31),
        )


@pytest.mark.django_db
def test_one_entrustment_number_per_department_but_another_department_may_use_it(kj, ga):
    row = {
        "name": "某中心",
        "uscc": USCC,
        "entrustment_number": "WT-1",
        "scope": "某事项",
        "valid_from": date(2025, 1, 1),
        "valid_until": date(2025, 12, 31),
    }
    EntrustedOrganisation.objects.create(department=kj, **row)
    EntrustedOrganisation.objects.create(department=ga, **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        EntrustedOrganisation.objects.create(department=kj, **row)


# --- the services -----------------------------------------------------------------------------


def test_the_department_admin_registers_the_own_department_and_it_is_audited(department_admin, kj):
    body = _register(department_admin, kj)
    assert body.is_registered_on(date(2025, 3, 1))
    assert not body.is_registered_on(date(2025, 2, 28))
    event = AuditEvent.objects.get(action=OrganisationAction.BODY_REGISTER)
    assert event.detail["after"]["announcement_number"] == "长府法公告〔2025〕3号"

    _register(department_admin, kj, legal_status=LegalStatus.AUTHORISED_ORGANISATION)
    change = AuditEvent.objects.get(action=OrganisationAction.BODY_CHANGE)
    assert change.detail["before"]["legal_status"] == LegalStatus.ADMINISTRATIVE_ORGAN
    assert InspectionBody.objects.get().legal_status == LegalStatus.AUTHORISED_ORGANISATION


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"legal_basis": "  "}, "legal_basis", "不能为空"),
        ({"announcement_number": ""}, None, "确认公告日期和文号须同时填写"),
        ({"confirmed_on": None}, None, "确认公告日期和文号须同时填写"),
    ],
)
def test_an_incomplete_registration_is_refused_in_chinese_and_nothing_recorded(
    department_admin, kj, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        _register(department_admin, kj, **overrides)
    assert message in str(refused.value.messages)
    if field:
        assert field in refused.value.message_dict
    assert not InspectionBody.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()


def test_a_department_admin_may_not_register_another_department(department_admin, ga):
    with pytest.raises(PermissionDenied):
        _register(department_admin, ga)
    with pytest.raises(PermissionDenied):
        _entrust(department_admin, ga)
    assert not InspectionBody.objects.exists()
    assert not EntrustedOrganisation.objects.exists()


def test_the_system_administrator_keeps_every_department(system_admin, ga):
    _register(system_admin, ga)
    assert _entrust(system_admin, ga).department == ga


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"valid_until": date(2024, 12, 31)}, "valid_until", "委托截止日期不能早于起始日期"),
        ({"uscc": "91220101MA0Y12345X"}, "uscc", "统一社会信用代码"),
        ({"scope": ""}, "scope", "不能为空"),
        ({"entrustment_number": " "}, "entrustment_number", "不能为空"),
    ],
)
def test_bad_entrusted_organisations_are_refused_in_chinese_and_nothing_recorded(
    department_admin, kj, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        _entrust(department_admin, kj, **overrides)
    assert message in " ".join(refused.value.message_dict[field])
    assert not EntrustedOrganisation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()


def test_a_second_entrustment_with_the_same_number_is_refused_in_chinese(department_admin, kj):
    _entrust(department_admin, kj)
    with pytest.raises(ValidationError, match="本部门已有该编号的委托书"):
        _entrust(department_admin, kj, name="另一个中心")
    assert EntrustedOrganisation.objects.count() == 1


def test_an_entrustment_ended_early_keeps_its_row_and_its_before(department_admin, kj):
    organisation = _entrust(department_admin, kj)
    change_entrusted_organisation(
        actor=department_admin,
        organisation=organisation,
        name=organisation.name,
        uscc=organisation.uscc,
        entrustment_number=organisation.entrustment_number,
        scope=organisation.scope,
        valid_from=organisation.valid_from,
        valid_until=date(2025, 6, 30),
        published=True,
    )
    organisation.refresh_from_db()
    assert organisation.valid_until == date(2025, 6, 30)
    assert not organisation.is_valid_on(date(2025, 7, 1))
    event = AuditEvent.objects.get(action=OrganisationAction.ENTRUSTED_CHANGE)
    assert event.detail["before"]["valid_until"] == "2026-12-31"


def test_registration_counts_from_the_confirmation_date(department_admin, kj, ga, settings):
    _register(department_admin, kj, confirmed_on=date(2025, 3, 1))
    assert unregistered([kj, ga], on=date(2025, 3, 1)) == [ga]
    assert unregistered([kj, ga], on=date(2025, 2, 28)) == [kj, ga]
    settings.REQUIRE_REGISTERED_BODIES = False
    check_registered([ga], on=date(2025, 3, 1))  # off: shown as 未登记, not refused
    settings.REQUIRE_REGISTERED_BODIES = True
    with pytest.raises(ValidationError, match="市公安局尚未登记为执法主体"):
        check_registered([kj, ga], on=date(2025, 3, 1))


# --- the staff page ---------------------------------------------------------------------------


def test_the_department_admin_sees_only_the_own_department_and_its_organisations(
    client, login, department_admin, ga_department_admin, kj, ga
):
    _entrust(department_admin, kj)
    _entrust(ga_department_admin, ga, name="市公安服务中心", entrustment_number="GAWT-1")
    login(department_admin)
    page = client.get(reverse("personnel:bodies")).content.decode()
    assert "市科学技术局" in page and "市科技服务中心" in page
    assert "市公安局" not in page and "市公安服务中心" not in page
    assert client.get(reverse("personnel:body-register", args=[ga.pk])).status_code == 403


def test_the_system_administrator_filters_departments_and_organisations(
    client, login, system_admin, kj, ga
):
    _register(system_admin, kj)
    _entrust(system_admin, ga, name="市公安服务中心", entrustment_number="GAWT-1")
    login(system_admin)
    url = reverse("personnel:bodies")
    registered = client.get(url, {"status": "registered"}).content.decode()
    assert "市科学技术局（KJ）" in registered and "市公安局（GA）" not in registered
    unregistered_page = client.get(url, {"status": "unregistered"}).content.decode()
    assert "市公安局（GA）" in unregistered_page and "市科学技术局（KJ）" not in unregistered_page
    assert "市公安服务中心" in client.get(url, {"eq": "GAWT"}).content.decode()
    assert "市公安服务中心" not in client.get(url, {"eq": "不存在"}).content.decode()


def test_the_registration_form_shows_the_refusal_in_chinese_and_records_nothing(
    client, login, department_admin, kj
):
    login(department_admin)
    response = client.post(
        reverse("personnel:body-register", args=[kj.pk]),
        {
            "legal_status": LegalStatus.ADMINISTRATIVE_ORGAN,
            "legal_basis": "某法第十条",
            "confirmed_on": "2025-03-01",
            "announcement_number": "",
        },
    )
    assert response.status_code == 200
    assert "确认公告日期和文号须同时填写" in response.content.decode()
    assert not InspectionBody.objects.exists()


def test_the_registration_form_saves(client, login, department_admin, kj):
    login(department_admin)
    response = client.post(
        reverse("personnel:body-register", args=[kj.pk]),
        {
            "legal_status": LegalStatus.ADMINISTRATIVE_ORGAN,
            "legal_basis": "某法第十条",
            "confirmed_on": "2025-03-01",
            "announcement_number": "公告〔2025〕1号",
        },
    )
    assert response.status_code == 302
    assert InspectionBody.objects.get(department=kj).announcement_number == "公告〔2025〕1号"


def test_other_roles_do_not_open_the_page(client, login, planner):
    login(planner)
    assert client.get(reverse("personnel:bodies")).status_code == 403
