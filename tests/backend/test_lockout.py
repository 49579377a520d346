"""Five failed logins lock the username, not the office's shared address, for 30 minutes."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.urls import reverse

from backend.audit.models import AuditEvent
from tests.conftest import PASSWORD, log_in


def _attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_a_wrong_password_shows_the_error_in_chinese(client, planner):
    response = _attempt(client, planner.username, "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_five_failures_lock_the_username_even_with_the_right_password(client, planner):
    for _ in range(5):
        _attempt(client, planner.username, "not-the-password")
    response = _attempt(client, planner.username, PASSWORD)
    assert response.status_code == 429
    assert "已被锁定 30 分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_not_per_address(client, planner, inspector):
    for _ in range(5):
        _attempt(client, planner.username, "not-the-password", ip="10.0.0.1")
    # A colleague behind the same NAT address logs in normally.
    response = _attempt(client, inspector.username, PASSWORD, ip="10.0.0.1")
    assert response.status_code == 302
    client.logout()
    # And the locked user is locked from any address.
    assert _attempt(client, planner.username, PASSWORD, ip="10.9.9.9").status_code == 429


def test_four_failures_do_not_lock(client, planner):
    for _ in range(4):
        _attempt(client, planner.username, "not-the-password")
    assert _attempt(client, planner.username, PASSWORD).status_code == 302


def test_the_lock_lifts_after_thirty_minutes(client, planner):
    for _ in range(5):
        _attempt(client, planner.username, "not-the-password")
    last = AccessAttempt.objects.get().attempt_time
    AccessAttempt.objects.update(attempt_time=last - timedelta(minutes=31))
    assert _attempt(client, planner.username, PASSWORD).status_code == 302


def test_the_security_administrator_unlocks_and_it_is_audited(client, planner, security_admin):
    for _ in range(5):
        _attempt(client, planner.username, "not-the-password")
    log_in(client, security_admin)
    page = client.get(reverse("accounts:home-security")).content.decode()
    assert planner.username in page
    response = client.post(reverse("accounts:unlock"), {"username": planner.username}, follow=True)
    assert "已解除账号" in response.content.decode()
    event = AuditEvent.objects.get(action="account.unlock")
    assert event.object_id == planner.username
    assert event.actor == security_admin
    client.logout()
    assert _attempt(client, planner.username, PASSWORD).status_code == 302


def test_no_one_else_may_unlock(client, planner, system_admin):
    log_in(client, system_admin)
    assert (
        client.post(reverse("accounts:unlock"), {"username": planner.username}).status_code == 403
    )
