"""ID numbers and phones: in full only for the officer's own department administrator; masked
on every other page, API answer and export; never in a URL or the audit trail."""

import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from backend.codes import mask_citizen_id, mask_phone
from personnel.selectors import may_see_personal_data, shown_citizen_id, shown_phone
from tests.conftest import log_in

PHONE = "13912345678"


@pytest.fixture
def lin(kj, make_officer, make_certificate, inspector):
    """Lin, a KJ officer with a certificate, linked to the KJ inspector's account."""
    officer = make_officer(kj, name="林执法", phone=PHONE, user=inspector)
    make_certificate(officer)
    return officer


def _full_and_masked(officer):
    return (officer.citizen_id, officer.phone), (
        mask_citizen_id(officer.citizen_id),
        mask_phone(officer.phone),
    )


def test_the_one_rule_own_department_administrator_only(
    lin, department_admin, ga_department_admin, planner, legal_reviewer, inspector, system_admin
):
    assert may_see_personal_data(department_admin, lin)
    for viewer in (ga_department_admin, planner, legal_reviewer, inspector, system_admin):
        assert not may_see_personal_data(viewer, lin)
        assert (
            shown_citizen_id(viewer, lin) == lin.citizen_id[:6] + "********" + lin.citizen_id[-4:]
        )
        assert shown_phone(viewer, lin) == "139****5678"
    department_admin.is_active = False
    assert not may_see_personal_data(department_admin, lin)


PAGES_SHOWING_AN_OFFICER = [
    pytest.param(lambda o: reverse("personnel:officers"), id="officer list"),
    pytest.param(lambda o: reverse("personnel:officer", args=[o.pk]), id="officer detail"),
]


@pytest.mark.parametrize("url", PAGES_SHOWING_AN_OFFICER)
@pytest.mark.parametrize("viewer", ["planner", "legal_reviewer"])
def test_pages_show_others_only_the_masked_numbers(request, client, lin, url, viewer):
    log_in(client, request.getfixturevalue(viewer))
    body = client.get(url(lin)).content.decode()
    (full_id, full_phone), (masked_id, masked_phone) = _full_and_masked(lin)
    assert masked_id in body and masked_phone in body
    assert full_id not in body and full_phone not in body


def test_the_officer_sees_their_own_numbers_masked_too(client, lin, inspector):
    client.force_login(inspector)
    body = client.get(reverse("personnel:officer", args=[lin.pk])).content.decode()
    assert mask_citizen_id(lin.citizen_id) in body and lin.citizen_id not in body


@pytest.mark.parametrize("url", PAGES_SHOWING_AN_OFFICER)
def test_the_own_department_administrator_sees_them_in_full_but_never_in_a_link(
    client, lin, department_admin, url
):
    log_in(client, department_admin)
    body = client.get(url(lin)).content.decode()
    assert lin.citizen_id in body and PHONE in body
    links = re.findall(r'(?:href|action|src)="([^"]*)"', body)
    assert not [link for link in links if lin.citizen_id in link or PHONE in link]


def _export_rows(client, pool="certified"):
    response = client.get(reverse("personnel:pool-export"), {"pool": pool, "on": "2021-06-01"})
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    return rows


def test_pool_exports_mask_for_everyone_but_the_own_department_administrator(
    client, lin, planner, department_admin
):
    (full_id, full_phone), (masked_id, masked_phone) = _full_and_masked(lin)
    client.force_login(planner)
    header, row = _export_rows(client)
    assert header[3:5] == ("公民身份号码", "联系电话")
    assert row[1] == "林执法" and row[3:5] == (masked_id, masked_phone)
    log_in(client, department_admin)
    _, row = _export_rows(client)
    assert row[3:5] == (full_id, full_phone)
    event = AuditEvent.objects.filter(action="personnel.pool.export").first()
    assert event.detail == {"pool": "certified", "on": "2021-06-01", "rows": 1}


def test_a_pool_export_contains_the_pool_only(client, lin, kj, make_officer, planner):
    make_officer(kj, name="无证", category="routine")
    client.force_login(planner)
    assert [row[1] for row in _export_rows(client, "certified")[1:]] == ["林执法"]
    assert [row[1] for row in _export_rows(client, "routine")[1:]] == ["无证"]
    assert client.get(reverse("personnel:pool-export"), {"pool": "all"}).status_code == 404


def test_no_id_number_or_phone_reaches_the_audit_trail(client, lin, department_admin):
    log_in(client, department_admin)
    client.post(reverse("personnel:officer-find"), {"citizen_id": lin.citizen_id})
    _export_rows(client)
    trail = json.dumps(list(AuditEvent.objects.values()), ensure_ascii=False, default=str)
    assert lin.citizen_id not in trail and PHONE not in trail


def test_the_admin_shows_the_system_administrator_masked_numbers_only(client, lin, system_admin):
    """Issue 20, finding 3: the admin showed every department's ID numbers and phones in full."""
    log_in(client, system_admin)
    pages = [
        client.get("/admin/personnel/officer/").content.decode(),
        client.get(f"/admin/personnel/officer/{lin.pk}/change/").content.decode(),
        client.get(f"/admin/personnel/officer/?q={lin.name}").content.decode(),
    ]
    (full_id, full_phone), (masked_id, masked_phone) = _full_and_masked(lin)
    for html in pages:
        assert full_id not in html and full_phone not in html
    assert masked_id in pages[1] and masked_phone in pages[1]
    assert client.get("/admin/personnel/officer/add/").status_code == 403


def test_a_change_in_the_admin_keeps_the_numbers(client, lin, system_admin):
    log_in(client, system_admin)
    citizen_id, phone = lin.citizen_id, lin.phone
    response = client.post(
        f"/admin/personnel/officer/{lin.pk}/change/",
        {
            "name": "林执法",
            "gender": lin.gender,
            "department": lin.department_id,
            "position": "科员",
            "category": lin.category,
            "expertise": "",
            "jurisdiction_area": "",
            "status": lin.status,
            "user": lin.user_id,
        },
    )
    assert response.status_code == 302
    lin.refresh_from_db()
    assert (lin.citizen_id, lin.phone, lin.position) == (citizen_id, phone, "科员")
