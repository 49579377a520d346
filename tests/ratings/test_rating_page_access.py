"""Each role opens the ratings pages meant for it and is refused the others; the navigation
offers them to the supervisor and the department administrator."""

import pytest
from django.urls import reverse

from backend.accounts.roles import NAVIGATION, Role
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
PAGES = {
    "ratings:list": {Role.SUPERVISOR},
    "ratings:statistics": {Role.SUPERVISOR},
    "ratings:statistics-export": {Role.SUPERVISOR},
    "ratings:complaints": {Role.SUPERVISOR, Role.DEPARTMENT_ADMIN},
    "ratings:summary": {Role.DEPARTMENT_ADMIN},
}


@pytest.mark.parametrize(
    "page,role,allowed",
    [(page, role, role in allowed) for page, allowed in PAGES.items() for role in Role.values],
)
def test_each_role_opens_only_its_ratings_pages(request, client, page, role, allowed):
    log_in(client, request.getfixturevalue(PERSONAS[role]))
    response = client.get(reverse(page))
    assert response.status_code == (200 if allowed else 403)


def test_the_menus_offer_the_pages(client, supervisor, department_admin):
    assert {"ratings:list", "ratings:complaints", "ratings:statistics"} <= {
        name for _, name in NAVIGATION[Role.SUPERVISOR]
    }
    assert {"ratings:summary", "ratings:complaints"} <= {
        name for _, name in NAVIGATION[Role.DEPARTMENT_ADMIN]
    }
    log_in(client, supervisor)
    assert reverse("ratings:complaints") in client.get(reverse("accounts:profile")).content.decode()
