"""Accounts: one role each, a department each, strong passwords, audited creation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import create_user
from backend.audit.models import AuditEvent


def test_the_system_administrator_creates_an_account(system_admin, kj):
    user = create_user(
        actor=system_admin,
        username="new_planner",
        password="Quite-Long-Pass-2024",
        role=Role.PLANNER,
        department=kj,
    )
    assert user.check_password("Quite-Long-Pass-2024")
    event = AuditEvent.objects.get(action="account.create")
    assert event.actor == system_admin
    assert event.detail == {"username": "new_planner", "role": "planner", "department": "KJ"}


@pytest.mark.parametrize(
    "password,fragment",
    [
        ("Short-1a", "至少"),  # fewer than 12 characters
        ("password1234", "常见"),  # a common password
        ("new_planner_x1", "相似"),  # too close to the username
        ("384920175638", "只包含数字"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(system_admin, kj, password, fragment):
    with pytest.raises(ValidationError) as error:
        create_user(
            actor=system_admin,
            username="new_planner",
            password=password,
            role=Role.PLANNER,
            department=kj,
        )
    assert fragment in " ".join(error.value.messages)
    assert not User.objects.filter(username="new_planner").exists()


def test_only_the_system_administrator_creates_accounts(department_admin, kj):
    with pytest.raises(PermissionDenied):
        create_user(
            actor=department_admin,
            username="x_user",
            password="Quite-Long-Pass-2024",
            role=Role.PLANNER,
            department=kj,
        )


def test_the_database_refuses_an_unknown_role(kj):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ghost", role="superhero", department=kj)
