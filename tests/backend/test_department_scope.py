"""Each department sees only its own data, through the one selector layer."""

from django.urls import reverse

from backend.accounts.models import User
from backend.accounts.selectors import (
    departments_visible_to,
    scope_to_department,
    users_visible_to,
)
from tests.conftest import log_in


def test_a_department_admin_sees_only_own_department_members(
    client, department_admin, planner, ga_inspector
):
    log_in(client, department_admin)
    body = client.get(reverse("accounts:home-department")).content.decode()
    assert planner.username in body
    assert ga_inspector.username not in body


def test_users_visible_to_a_department_user_are_their_colleagues(planner, inspector, ga_inspector):
    visible = set(users_visible_to(planner))
    assert visible == {planner, inspector}


def test_the_system_administrator_sees_every_department(system_admin, planner, ga_inspector):
    assert {planner, ga_inspector} <= set(users_visible_to(system_admin))
    assert departments_visible_to(system_admin).count() == 2


def test_anonymous_and_inactive_users_see_nothing(planner, inspector):
    from django.contrib.auth.models import AnonymousUser

    assert not scope_to_department(User.objects.all(), AnonymousUser()).exists()
    inspector.is_active = False
    inspector.save(update_fields=["is_active"])
    assert not users_visible_to(inspector).exists()
    assert not departments_visible_to(inspector).exists()


def test_the_departments_api_lists_only_own_department(client, ga_inspector, kj):
    client.force_login(ga_inspector)
    data = client.get("/api/v1/departments/").json()
    assert [d["code"] for d in data["results"]] == ["GA"]
    assert client.get(f"/api/v1/departments/{kj.pk}/").status_code == 404
