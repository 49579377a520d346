"""The personnel pages: who opens which, the department scope, and the forms that call the
services (errors shown in Chinese, nothing half-written)."""

from datetime import date

import pytest
from django.urls import reverse

from backend.accounts.roles import Role
from backend.audit.models import AuditEvent
from personnel.models import Certificate, CertificateStatus, Officer, RecusalRequest
from tests.conftest import log_in
from tests.personnel.conftest import FIRM, citizen_id

PERSONAS = {
    Role.PLANNER: "planner",
    Role.INSPECTOR: "inspector",
    Role.LEGAL_REVIEWER: "legal_reviewer",
    Role.DEPARTMENT_ADMIN: "department_admin",
    Role.SYSTEM_ADMIN: "system_admin",
    Role.SECURITY_ADMIN: "security_admin",
    Role.AUDIT_ADMIN: "audit_admin",
    Role.SUPERVISOR: "supervisor",
}
DIRECTORY = {Role.PLANNER, Role.LEGAL_REVIEWER, Role.DEPARTMENT_ADMIN}

# page (without arguments) -> the roles that may open it
PAGES = {
    "personnel:officers": DIRECTORY,
    "personnel:officer-export": DIRECTORY,
    "personnel:certificates": DIRECTORY,
    "personnel:reports": DIRECTORY,
    "personnel:experts": DIRECTORY,
    "personnel:pools": DIRECTORY | {Role.SYSTEM_ADMIN},
    "personnel:eligibility": {Role.DEPARTMENT_ADMIN, Role.PLANNER},
    "personnel:officer-create": {Role.DEPARTMENT_ADMIN},
    "personnel:expert-create": {Role.DEPARTMENT_ADMIN},
    "personnel:training-policy": {Role.DEPARTMENT_ADMIN},
}

CASES = [
    pytest.param(page, role, role in allowed, id=f"{page}-{role}")
    for page, allowed in PAGES.items()
    for role in Role.values
]


@pytest.mark.parametrize("page,role,allowed", CASES)
def test_each_role_opens_only_its_personnel_pages(request, client, page, role, allowed):
    log_in(client, request.getfixturevalue(PERSONAS[role]))
    response = client.get(reverse(page))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("page", [*PAGES, "personnel:me"])
def test_the_public_is_sent_to_log_in(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_menu_offers_the_personnel_pages_to_the_roles_that_use_them(client, department_admin):
    log_in(client, department_admin)
    body = client.get(reverse("personnel:officers")).content.decode()
    for url in ("personnel:officers", "personnel:pools", "personnel:reports"):
        assert f'href="{reverse(url)}"' in body


# --------------------------------------------------------------------------- department scope


def test_a_department_sees_only_its_own_officers(client, planner, officer, ga_officer):
    client.force_login(planner)
    body = client.get(reverse("personnel:officers")).content.decode()
    assert officer.name in body
    assert ga_officer.name not in body


@pytest.mark.parametrize(
    "url_name", ["personnel:officer", "personnel:officer-edit", "personnel:certificate-issue"]
)
def test_another_departments_officer_is_not_found(client, ga_department_admin, officer, url_name):
    log_in(client, ga_department_admin)
    assert client.get(reverse(url_name, args=[officer.pk])).status_code == 404


def test_another_departments_certificate_cannot_be_suspended(
    client, ga_department_admin, certified_officer
):
    certificate = certified_officer.certificates.get()
    log_in(client, ga_department_admin)
    url = reverse("personnel:certificate-transition", args=[certificate.pk, "suspend"])
    assert client.post(url, {"reason": "越权"}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_a_planner_reads_but_does_not_edit(client, planner, officer):
    client.force_login(planner)
    assert client.get(reverse("personnel:officer", args=[officer.pk])).status_code == 200
    assert client.get(reverse("personnel:officer-edit", args=[officer.pk])).status_code == 403
    body = client.get(reverse("personnel:officer", args=[officer.pk])).content.decode()
    assert reverse("personnel:officer-edit", args=[officer.pk]) not in body


def test_an_inspector_sees_their_own_record_and_no_one_elses(
    client, inspector, kj, make_officer, officer
):
    mine = make_officer(kj, name="王执法", user=inspector)
    client.force_login(inspector)
    response = client.get(reverse("personnel:me"))
    assert response["Location"] == reverse("personnel:officer", args=[mine.pk])
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("personnel:officer", args=[officer.pk])).status_code == 404


def test_an_inspector_without_a_record_is_told_so(client, inspector):
    client.force_login(inspector)
    response = client.get(reverse("personnel:me"))
    assert "尚未关联执法人员信息" in response.content.decode()


# --------------------------------------------------------------------------- officer list


def test_the_list_filters_by_category_status_pool_and_certificate(
    client, planner, kj, make_officer, make_certificate
):
    civil = make_officer(kj, name="甲公务员", category="civil_servant")
    routine = make_officer(kj, name="乙监管", category="routine")
    make_certificate(routine, valid_from=date(2020, 1, 1), valid_to=date(2030, 12, 31))
    left = make_officer(kj, name="丙退休", category="civil_servant", status="retired")
    client.force_login(planner)

    def names(**params):
        response = client.get(reverse("personnel:officers"), params)
        return {o.name for o in response.context["page"]}

    assert names() == {civil.name, routine.name, left.name}
    assert names(category="routine") == {routine.name}
    assert names(status="retired") == {left.name}
    assert names(pool="civil_servant") == {civil.name}  # the retired one left the pool
    assert names(pool="certified", on="2021-06-01") == {routine.name}
    assert names(pool="certified", on="2031-01-01") == set()
    assert names(has_certificate="true") == {routine.name}
    assert names(has_certificate="false") == {civil.name, left.name}
    assert names(q="乙") == {routine.name}


def test_the_list_is_paginated(client, planner, kj, make_officer):
    for n in range(35):
        make_officer(kj, name=f"人员{n:02d}")
    client.force_login(planner)
    first = client.get(reverse("personnel:officers"))
    assert len(first.context["page"]) == 30
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get(reverse("personnel:officers"), {"page": 2})
    assert len(second.context["page"]) == 5


def test_a_department_administrator_finds_an_officer_by_id_number_without_a_url(
    client, department_admin, officer, ga_officer
):
    log_in(client, department_admin)
    response = client.post(reverse("personnel:officer-find"), {"citizen_id": officer.citizen_id})
    assert response["Location"] == reverse("personnel:officer", args=[officer.pk])
    assert officer.citizen_id not in response["Location"]
    # Another department's officer is not found, and the answer does not say they exist.
    response = client.post(
        reverse("personnel:officer-find"), {"citizen_id": ga_officer.citizen_id}, follow=True
    )
    assert "本部门没有该公民身份号码的执法人员" in response.content.decode()


def test_only_a_department_administrator_may_search_by_id_number(client, planner, officer):
    client.force_login(planner)
    response = client.post(reverse("personnel:officer-find"), {"citizen_id": officer.citizen_id})
    assert response.status_code == 403
    assert "按公民身份号码查找" not in client.get(reverse("personnel:officers")).content.decode()
    # Searching the list by ID number through the URL finds nothing.
    response = client.get(reverse("personnel:officers"), {"q": officer.citizen_id})
    assert list(response.context["page"]) == []


# --------------------------------------------------------------------------- forms


def test_a_department_administrator_registers_and_edits_an_officer(client, department_admin):
    log_in(client, department_admin)
    number = citizen_id()
    response = client.post(
        reverse("personnel:officer-create"),
        {
            "name": "韩执法",
            "citizen_id": number,
            "gender": "",
            "phone": "13987654321",
            "position": "科员",
            "category": "certified_staff",
            "expertise": "科技项目",
            "jurisdiction_area": "220104",
            "status": "on_duty",
            "user": "",
        },
    )
    officer = Officer.objects.get(name="韩执法")
    assert response["Location"] == reverse("personnel:officer", args=[officer.pk])
    assert officer.department == department_admin.department
    response = client.post(
        reverse("personnel:officer-edit", args=[officer.pk]),
        {
            "name": "韩执法",
            "citizen_id": number,
            "gender": officer.gender,
            "phone": "13987654321",
            "position": "副科长",
            "category": "certified_staff",
            "expertise": "科技项目",
            "jurisdiction_area": "220104",
            "status": "off_duty",
            "user": "",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.position, officer.status) == ("副科长", "off_duty")


def test_an_invalid_id_number_is_explained_on_the_form(client, department_admin):
    log_in(client, department_admin)
    response = client.post(
        reverse("personnel:officer-create"),
        {"name": "错号", "citizen_id": "220102198503140010", "category": "routine",
         "status": "on_duty"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Officer.objects.exists()


def test_a_duplicate_id_number_is_refused_with_the_services_message(
    client, department_admin, officer
):
    log_in(client, department_admin)
    response = client.post(
        reverse("personnel:officer-create"),
        {"name": "重号", "citizen_id": officer.citizen_id, "category": "routine",
         "status": "on_duty"},
    )  # fmt: skip
    assert "该公民身份号码已登记为执法人员" in response.content.decode()


def test_certificates_are_issued_and_changed_through_the_pages(
    client, department_admin, officer, foreign_work
):
    log_in(client, department_admin)
    client.post(
        reverse("personnel:certificate-issue", args=[officer.pk]),
        {
            "number": "22010021009999",
            "kind": "national",
            "issuing_authority": "长春市人民政府",
            "enforcement_fields": [foreign_work.pk],
            "valid_from": "2021-01-01",
            "valid_to": "2025-12-31",
            "reason": "考试合格",
        },
    )
    certificate = Certificate.objects.get(number="22010021009999")

    def step(action, **data):
        url = reverse("personnel:certificate-transition", args=[certificate.pk, action])
        return client.post(url, data)

    assert step("suspend", reason="违规")["Location"].endswith(f"/officers/{officer.pk}/")
    refused = step("renew", valid_to="2030-12-31", reason="续期")
    assert refused.status_code == 200
    assert "当前为“暂扣”，不能延续" in refused.content.decode()
    step("restore", reason="整改完成")
    step("renew", valid_to="2030-12-31", reason="续期")
    step("revoke", reason="调离")
    refused = step("restore", reason="再恢复")
    assert "当前为“撤销”，不能恢复" in refused.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.valid_to == date(2030, 12, 31)

    body = client.get(reverse("personnel:officer", args=[officer.pk])).content.decode()
    for label in ("发证", "暂扣", "恢复", "延续", "撤销", "违规", "整改完成"):
        assert label in body
    assert (
        client.get(
            reverse("personnel:certificate-transition", args=[certificate.pk, "erase"])
        ).status_code
        == 404
    )


def test_exams_training_and_conflicts_are_recorded_through_the_pages(
    client, department_admin, officer
):
    log_in(client, department_admin)
    client.post(
        reverse("personnel:exam-add", args=[officer.pk]),
        {"exam_date": "2021-05-20", "subjects": "通用法律知识、专门法律知识", "score": "86",
         "passed": "on"},
    )  # fmt: skip
    client.post(
        reverse("personnel:training-add", args=[officer.pk]),
        {"training_date": f"{date.today().year}-03-01", "hours": "12.5", "topic": "行政处罚法"},
    )
    client.post(
        reverse("personnel:conflict-add", args=[officer.pk]),
        {"firm_uscc": FIRM.uscc, "firm_name": "长春某科技有限公司", "relation": "relative",
         "source": "self_declared", "valid_from": "2021-01-01"},
    )  # fmt: skip
    assert officer.exams.get().passed
    assert officer.trainings.get().hours == 12.5
    assert officer.conflicts.get().relation == "relative"
    body = client.get(reverse("personnel:officer", args=[officer.pk])).content.decode()
    assert "已培训 12.5 学时" in body and "不少于 40 学时" in body
    assert "长春某科技有限公司" in body and "近亲属" in body


def test_a_bad_uscc_is_explained_on_the_conflict_form(client, department_admin, officer):
    log_in(client, department_admin)
    response = client.post(
        reverse("personnel:conflict-add", args=[officer.pk]),
        {"firm_uscc": "91220102MA17BQ0X00", "relation": "relative", "source": "self_declared",
         "valid_from": "2021-01-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert not officer.conflicts.exists()


def test_a_party_request_is_recorded_with_the_heads_decision_at_once(
    client, department_admin, officer
):
    log_in(client, department_admin)
    response = client.post(
        reverse("personnel:recusal-add", args=[officer.pk]),
        {
            "firm_uscc": FIRM.uscc,
            "firm_name": "长春某科技有限公司",
            "requested_on": "2021-06-01",
            "grounds": "检查人员系法定代表人的表弟",
            "decision": "granted",
            "decided_by": "刘局长",
            "decided_on": "2021-06-02",
            "decision_reason": "属近亲属，应当回避",
            "relation": "relative",
        },
    )
    assert response.status_code == 302
    recusal = RecusalRequest.objects.get()
    assert recusal.decision == "granted" and recusal.conflict.source == "party_request"
    assert AuditEvent.objects.filter(action="personnel.recusal.decide").exists()


def test_a_pending_request_is_decided_later(client, department_admin, officer):
    log_in(client, department_admin)
    client.post(
        reverse("personnel:recusal-add", args=[officer.pk]),
        {"firm_uscc": FIRM.uscc, "firm_name": "某公司", "requested_on": "2021-06-01",
         "grounds": "理由", "decision": "pending", "relation": "other"},
    )  # fmt: skip
    recusal = RecusalRequest.objects.get()
    assert recusal.decision == "pending" and recusal.conflict is None
    body = client.get(reverse("personnel:officer", args=[officer.pk])).content.decode()
    assert reverse("personnel:recusal-decide", args=[recusal.pk]) in body
    client.post(
        reverse("personnel:recusal-decide", args=[recusal.pk]),
        {"decision": "refused", "decided_by": "刘局长", "decided_on": "2021-06-03",
         "decision_reason": "理由不成立", "relation": "other"},
    )  # fmt: skip
    recusal.refresh_from_db()
    assert recusal.decision == "refused" and recusal.conflict is None
    response = client.post(
        reverse("personnel:recusal-decide", args=[recusal.pk]),
        {"decision": "granted", "decided_by": "刘局长", "decided_on": "2021-06-04",
         "decision_reason": "改变主意", "relation": "other"},
    )  # fmt: skip
    assert "已作出决定" in response.content.decode()


def test_experts_are_listed_and_added_but_never_officers(client, department_admin, planner):
    log_in(client, department_admin)
    client.post(
        reverse("personnel:expert-create"),
        {"name": "王刚", "field": "法律", "organisation": "吉林新锐律师事务所", "title": "律师"},
    )
    assert not Officer.objects.filter(name="王刚").exists()
    client.force_login(planner)
    body = client.get(reverse("personnel:experts")).content.decode()
    assert "吉林新锐律师事务所" in body


def test_the_training_policy_page_sets_the_department_minimum(client, department_admin, kj):
    log_in(client, department_admin)
    client.post(reverse("personnel:training-policy"), {"min_hours": "32", "required": "on"})
    kj.refresh_from_db()
    assert kj.training_min_hours == 32 and kj.training_required


# --------------------------------------------------------------------------- eligibility by hand


def test_the_eligibility_page_answers_with_every_reason(
    client, department_admin, certified_officer, foreign_work
):
    log_in(client, department_admin)
    query = {
        "officer": certified_officer.pk,
        "firm_uscc": FIRM.uscc,
        "firm_region_code": "220102",
        "enforcement_field": foreign_work.pk,
        "start": "2021-06-07",
        "end": "2021-06-18",
    }
    body = client.get(reverse("personnel:eligibility"), query).content.decode()
    assert "符合检查资格" in body and "不符合" not in body
    body = client.get(
        reverse("personnel:eligibility"), {**query, "cross_assignment": "on", "end": "2025-06-18"}
    ).content.decode()
    assert "不符合检查资格" in body
    assert "same-area" in body and "cert-expired" in body


def test_the_eligibility_page_offers_only_own_department_officers(
    client, department_admin, certified_officer, ga_officer, foreign_work
):
    log_in(client, department_admin)
    response = client.get(
        reverse("personnel:eligibility"),
        {"officer": ga_officer.pk, "firm_uscc": FIRM.uscc, "enforcement_field": foreign_work.pk,
         "start": "2021-06-07", "end": "2021-06-18"},
    )  # fmt: skip
    assert response.context["result"] is None
    assert "officer" in response.context["form"].errors
