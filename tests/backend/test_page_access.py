"""Each role opens its own pages and is refused the others; the public is sent to log in."""

import pytest
from django.urls import reverse

from backend.accounts.roles import HOME_URL_NAME, Role
from tests.conftest import log_in

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

# page url name -> the roles that may open it
PAGES = {
    "accounts:home-planner": {Role.PLANNER},
    "accounts:home-inspector": {Role.INSPECTOR},
    "accounts:home-legal": {Role.LEGAL_REVIEWER},
    "accounts:home-department": {Role.DEPARTMENT_ADMIN},
    "accounts:home-system": {Role.SYSTEM_ADMIN},
    "accounts:home-security": {Role.SECURITY_ADMIN},
    "audit:events": {Role.AUDIT_ADMIN},
    "audit:export": {Role.AUDIT_ADMIN},
    "checkpoints:list": {Role.SECURITY_ADMIN, Role.AUDIT_ADMIN},
    "accounts:profile": set(Role.values),
    "notifications:list": set(Role.values),
    "notifications:preferences": set(Role.values),
    "workdays:years": {Role.SYSTEM_ADMIN},
    "jobs:list": {Role.SYSTEM_ADMIN},
    "jobs:mine": set(Role.values),
    "fieldwork:today": {Role.INSPECTOR},
    "fieldwork:review-list": {Role.DEPARTMENT_ADMIN},
    "fieldwork:approval-list": {Role.DEPARTMENT_ADMIN},
    "supervision:annual": {Role.SUPERVISOR, Role.DEPARTMENT_ADMIN},
    "supervision:warnings": {Role.SUPERVISOR},
    "supervision:warnings-export": {Role.SUPERVISOR},
    "supervision:opinions": {Role.SUPERVISOR},
    "supervision:opinion-new": {Role.SUPERVISOR},
    "supervision:department-opinions": {Role.DEPARTMENT_ADMIN},
}

CASES = [
    pytest.param(page, role, role in allowed, id=f"{page}-{role}")
    for page, allowed in PAGES.items()
    for role in Role.values
]


@pytest.mark.parametrize("page,role,allowed", CASES)
def test_each_role_opens_only_its_pages(request, client, page, role, allowed):
    user = request.getfixturevalue(PERSONAS[role])
    log_in(client, user)
    response = client.get(reverse(page))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()


@pytest.mark.parametrize("page", list(PAGES))
def test_the_public_is_sent_to_log_in(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", Role.values)
def test_the_root_sends_each_role_to_its_home(request, client, role):
    log_in(client, request.getfixturevalue(PERSONAS[role]))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(HOME_URL_NAME[role])


def test_the_public_front_page_is_in_chinese_and_offers_login(client, db):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "双随机、一公开" in body
    assert reverse("accounts:login") in body


def test_only_the_system_administrator_may_enter_the_admin(client, system_admin, planner):
    log_in(client, system_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    client.force_login(planner)
    assert client.get("/admin/").status_code == 302  # the admin's own login page


def test_the_admin_never_offers_to_edit_the_audit_trail(client, system_admin):
    log_in(client, system_admin)
    assert client.get("/admin/audit/auditevent/").status_code == 403


def test_navigation_shows_only_the_roles_entries(client, planner):
    client.force_login(planner)
    body = client.get(reverse("accounts:home-planner")).content.decode()
    assert "工作台" in body
    assert reverse("audit:events") not in body
    assert "/admin/" not in body
