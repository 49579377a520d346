"""The personnel API under /api/v1/personnel/: scoped, masked, filterable; certificate steps are
actions that call the services; errors in the one Chinese error shape."""

from datetime import date

import pytest

from backend.audit.models import AuditEvent
from backend.codes import mask_citizen_id, mask_phone
from personnel.models import Certificate
from tests.conftest import log_in
from tests.personnel.conftest import FIRM

OFFICERS = "/api/v1/personnel/officers/"
CERTIFICATES = "/api/v1/personnel/certificates/"
POOLS = "/api/v1/personnel/pools/"
ELIGIBILITY = "/api/v1/personnel/eligibility/"


@pytest.fixture
def lin(kj, make_officer, make_certificate):
    officer = make_officer(kj, name="林执法", phone="13912345678", jurisdiction_area="220102")
    make_certificate(officer, number="KJ-0001")
    return officer


# --------------------------------------------------------------------------- officers


def test_officers_are_listed_for_the_own_department_only(client, planner, lin, ga_officer):
    client.force_login(planner)
    body = client.get(OFFICERS).json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert [o["name"] for o in body["results"]] == ["林执法"]
    assert client.get(f"{OFFICERS}{ga_officer.pk}/").status_code == 404


@pytest.mark.parametrize("viewer", ["planner", "legal_reviewer"])
def test_others_get_the_numbers_masked(request, client, lin, viewer):
    log_in(client, request.getfixturevalue(viewer))
    for data in (
        client.get(OFFICERS).json()["results"][0],
        client.get(f"{OFFICERS}{lin.pk}/").json(),
    ):
        assert data["citizen_id"] == mask_citizen_id(lin.citizen_id)
        assert data["phone"] == mask_phone("13912345678")
    raw = client.get(OFFICERS).content.decode()
    assert lin.citizen_id not in raw and "13912345678" not in raw


def test_the_own_department_administrator_gets_them_in_full(client, department_admin, lin):
    log_in(client, department_admin)
    data = client.get(f"{OFFICERS}{lin.pk}/").json()
    assert data["citizen_id"] == lin.citizen_id and data["phone"] == "13912345678"
    assert data["department"] == "KJ"
    assert data["category_label"] == "行政执法类公务员" and data["status_label"] == "在岗"


def test_an_inspector_sees_only_their_own_record_masked(client, inspector, kj, make_officer, lin):
    mine = make_officer(kj, name="王执法", user=inspector, phone="13800001111")
    client.force_login(inspector)
    results = client.get(OFFICERS).json()["results"]
    assert [o["id"] for o in results] == [mine.pk]
    assert results[0]["phone"] == "138****1111"
    assert client.get(f"{OFFICERS}{lin.pk}/").status_code == 404


@pytest.mark.parametrize("outsider", ["security_admin", "audit_admin", "system_admin"])
def test_administrators_outside_the_business_see_no_officers(request, client, lin, outsider):
    log_in(client, request.getfixturevalue(outsider))
    response = client.get(OFFICERS)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_officers_are_filtered_with_the_pages_filters(client, planner, lin, kj, make_officer):
    make_officer(kj, name="无证人员", category="routine")
    client.force_login(planner)

    def names(**params):
        return [o["name"] for o in client.get(OFFICERS, params).json()["results"]]

    assert names(category="routine") == ["无证人员"]
    assert names(pool="certified", on="2021-06-01") == ["林执法"]
    assert names(has_certificate="false", on="2021-06-01") == ["无证人员"]
    assert names(q="林") == ["林执法"]


def test_lookup_by_id_number_is_a_post_for_the_department_administrator(
    client, department_admin, planner, lin, ga_officer
):
    log_in(client, department_admin)
    response = client.post(f"{OFFICERS}lookup/", {"citizen_id": lin.citizen_id})
    assert response.status_code == 200 and response.json()["id"] == lin.pk
    response = client.post(f"{OFFICERS}lookup/", {"citizen_id": ga_officer.citizen_id})
    assert response.status_code == 404
    assert response.json()["message"] == "本部门没有该公民身份号码的执法人员。"
    client.force_login(planner)
    assert client.post(f"{OFFICERS}lookup/", {"citizen_id": lin.citizen_id}).status_code == 403


def test_unauthenticated_requests_get_the_chinese_error_shape(client, lin):
    body = client.get(OFFICERS).json()
    assert body["code"] == "not_authenticated" and body["fields"] == {}


# --------------------------------------------------------------------------- certificates


def test_certificates_show_their_history(client, planner, lin):
    client.force_login(planner)
    [certificate] = client.get(CERTIFICATES).json()["results"]
    assert certificate["number"] == "KJ-0001"
    assert certificate["enforcement_fields"] == ["FOREIGN_WORK"]
    assert certificate["events"][0]["action"] == "issue"
    assert certificate["status"] == "valid"
    assert certificate["status_today"] == "expired"  # valid to 2024-12-31


def test_the_department_administrator_issues_and_steps_a_certificate(
    client, department_admin, lin, exit_entry
):
    log_in(client, department_admin)
    response = client.post(
        CERTIFICATES,
        {
            "officer": lin.pk,
            "number": "KJ-0002",
            "kind": "local",
            "issuing_authority": "长春市人民政府",
            "enforcement_fields": ["EXIT_ENTRY"],
            "valid_from": "2021-01-01",
            "valid_to": "2023-12-31",
            "reason": "考试合格",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]

    def step(name, **data):
        return client.post(f"{CERTIFICATES}{pk}/{name}/", data, content_type="application/json")

    assert step("renew", valid_to="2028-12-31", reason="换证").json()["valid_to"] == "2028-12-31"
    assert step("suspend", reason="违规").json()["status"] == "suspended"
    assert step("restore", reason="整改").json()["status"] == "valid"
    revoked = step("revoke", reason="调离").json()
    assert revoked["status"] == "revoked"
    assert [e["action"] for e in revoked["events"]] == [
        "issue", "renew", "suspend", "restore", "revoke",
    ]  # fmt: skip

    refused = step("restore", reason="再恢复")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert "当前为“撤销”，不能恢复" in refused.json()["message"]
    missing_reason = step("suspend", reason="")
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()["fields"]
    assert AuditEvent.objects.filter(action__startswith="personnel.certificate.").count() == 6


def test_certificate_steps_are_refused_to_other_roles_and_departments(
    client, planner, ga_department_admin, lin
):
    certificate = lin.certificates.get()
    client.force_login(planner)
    assert (
        client.post(f"{CERTIFICATES}{certificate.pk}/suspend/", {"reason": "x"}).status_code == 403
    )
    log_in(client, ga_department_admin)
    assert (
        client.post(f"{CERTIFICATES}{certificate.pk}/suspend/", {"reason": "x"}).status_code == 404
    )
    response = client.post(
        CERTIFICATES,
        {"officer": lin.pk, "number": "X", "kind": "local", "issuing_authority": "x",
         "enforcement_fields": ["FOREIGN_WORK"], "valid_from": "2021-01-01",
         "valid_to": "2022-01-01", "reason": "越权"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and "officer" in response.json()["fields"]
    certificate.refresh_from_db()
    assert certificate.status == "valid" and Certificate.objects.count() == 1


def test_certificates_are_filtered_by_status_on_a_date(client, planner, lin, make_certificate):
    make_certificate(lin, number="KJ-NEW", valid_from=date(2025, 1, 1), valid_to=date(2030, 1, 1))
    client.force_login(planner)

    def numbers(**params):
        return [c["number"] for c in client.get(CERTIFICATES, params).json()["results"]]

    assert numbers(status="valid", on="2021-06-01") == ["KJ-0001"]
    assert numbers(status="not_yet_valid", on="2021-06-01") == ["KJ-NEW"]
    assert numbers(status="expired", on="2026-01-01") == ["KJ-0001"]
    assert numbers(field="FOREIGN_WORK") == ["KJ-NEW", "KJ-0001"]


# --------------------------------------------------------------------------- pools, eligibility


def test_pool_counts_per_department(client, system_admin, planner, lin, ga_officer):
    log_in(client, system_admin)
    body = client.get(POOLS, {"on": "2021-06-01"}).json()
    assert body["on"] == "2021-06-01"
    assert {r["department"]: (r["civil_servant"], r["certified"]) for r in body["results"]} == {
        "GA": (1, 1),
        "KJ": (1, 1),
    }
    client.force_login(planner)
    assert [r["department"] for r in client.get(POOLS).json()["results"]] == ["KJ"]
    assert client.get(POOLS, {"on": "not-a-date"}).status_code == 400


def test_eligibility_is_asked_by_post(client, planner, lin):
    client.force_login(planner)
    query = {
        "officer": lin.pk,
        "firm_uscc": FIRM.uscc,
        "firm_region_code": "220102",
        "enforcement_field": "FOREIGN_WORK",
        "start": "2021-06-07",
        "end": "2021-06-18",
    }
    answer = client.post(ELIGIBILITY, query, content_type="application/json").json()
    assert answer == {"officer": lin.pk, "eligible": True, "reasons": [], "certificate": "KJ-0001"}
    answer = client.post(
        ELIGIBILITY, {**query, "cross_assignment": True}, content_type="application/json"
    ).json()
    assert answer["eligible"] is False
    assert [r["code"] for r in answer["reasons"]] == ["same-area"]
    assert answer["reasons"][0]["message"].startswith("交叉检查")


def test_eligibility_refuses_another_departments_officer_and_bad_input(
    client, department_admin, ga_officer, inspector, lin
):
    log_in(client, department_admin)
    response = client.post(
        ELIGIBILITY,
        {"officer": ga_officer.pk, "firm_uscc": FIRM.uscc, "enforcement_field": "FOREIGN_WORK",
         "start": "2021-06-18", "end": "2021-06-07"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"officer"}
    client.force_login(inspector)
    assert client.post(ELIGIBILITY, {}, content_type="application/json").status_code == 403


def test_the_schema_describes_the_personnel_api(client, db):
    text = client.get("/api/schema/").content.decode()
    for path in (OFFICERS, CERTIFICATES, POOLS, ELIGIBILITY, f"{CERTIFICATES}{{id}}/revoke/"):
        assert path in text
