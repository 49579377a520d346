"""The system administrator's Django admin (三员分立): no tokens, no second factors, no audit
trail, no personal numbers; a password they set is audited, told to its owner and must be
changed before anything else; their own role stays as it is."""

from django.core import mail
from django.test import Client
from knox.models import AuthToken

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.audit.models import AuditEvent
from tests.conftest import PASSWORD, log_in

NEW_PASSWORD = "Set-By-Sysadmin-2026"


def _set_password(client, user, password=NEW_PASSWORD):
    return client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": password, "password2": password, "usable_password": "true"},
    )


def test_the_admin_lists_no_credentials_and_no_audit_trail(client, system_admin):
    log_in(client, system_admin)
    index = client.get("/admin/").content.decode()
    for fragment in ("/admin/knox/", "/admin/otp_totp/", "/admin/otp_static/", "/admin/audit/"):
        assert fragment not in index
    for url in ("/admin/knox/authtoken/", "/admin/audit/auditevent/"):
        assert client.get(url).status_code == 403


def test_not_even_a_superuser_reads_the_audit_trail_or_tokens_in_the_admin(client, kj):
    root = User.objects.create_superuser("root", "", PASSWORD, department=kj)
    log_in(client, root)
    assert client.get("/admin/audit/auditevent/").status_code == 403
    assert client.get("/admin/knox/authtoken/").status_code == 403
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403


def test_a_password_set_by_the_system_administrator_is_audited_told_and_must_be_changed(
    client, system_admin, planner, django_capture_on_commit_callbacks
):
    planner.email = "li@example.gov.cn"
    planner.save(update_fields=["email"])
    AuthToken.objects.create(user=planner)
    log_in(client, system_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _set_password(client, planner)
    assert response.status_code == 302
    planner.refresh_from_db()
    assert planner.check_password(NEW_PASSWORD) and planner.must_change_password
    assert planner.password_set_by == system_admin
    event = AuditEvent.objects.get(action="account.password_set")
    assert event.actor == system_admin and event.object_id == str(planner.pk)
    assert event.detail == {
        "username": planner.username,
        "login_disabled": False,
        "tokens_revoked": 1,
        "mailed": True,
    }
    assert NEW_PASSWORD not in str(event.detail)
    assert not AuthToken.objects.filter(user=planner).exists()
    (message,) = mail.outbox
    assert message.to == [planner.email] and "设置了新密码" in message.body
    assert NEW_PASSWORD not in message.body

    # The owner's next login: the password page and nothing else until it is changed.
    owner = Client()
    login = owner.post("/accounts/login/", {"username": planner.username, "password": NEW_PASSWORD})
    page = owner.get(login["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith("/accounts/password/")
    assert "为您的账号设置了密码" in page.content.decode()
    assert owner.get("/tasks/")["Location"].startswith("/accounts/password/")
    api = owner.get("/api/v1/me/")
    assert api.status_code == 403 and "修改密码" in api.json()["message"]
    same = owner.post(
        "/accounts/password/",
        {
            "old_password": NEW_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert "不能与原密码相同" in same.content.decode()
    mine = "Only-Li-Knows-This-7"
    changed = owner.post(
        "/accounts/password/",
        {"old_password": NEW_PASSWORD, "new_password": mine, "new_password_again": mine},
    )
    assert changed.status_code == 302
    assert owner.get("/accounts/planner/").status_code == 200
    planner.refresh_from_db()
    assert not planner.must_change_password and planner.check_password(mine)
    change = AuditEvent.objects.get(action="account.password_change")
    assert change.actor == planner and change.detail == {"required_by_administrator": True}


def test_an_account_without_an_address_is_told_at_login(
    client, system_admin, planner, django_capture_on_commit_callbacks
):
    log_in(client, system_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _set_password(client, planner)
    assert not mail.outbox
    assert AuditEvent.objects.get(action="account.password_set").detail["mailed"] is False


def test_a_weak_password_is_refused_and_nothing_changes(client, system_admin, planner):
    log_in(client, system_admin)
    response = _set_password(client, planner, "short")
    assert response.status_code == 200
    planner.refresh_from_db()
    assert planner.check_password(PASSWORD) and not planner.must_change_password
    assert not AuditEvent.objects.filter(action="account.password_set").exists()


def test_the_system_administrator_does_not_set_their_own_password_in_the_admin(
    client, system_admin
):
    log_in(client, system_admin)
    assert _set_password(client, system_admin).status_code == 403
    system_admin.refresh_from_db()
    assert system_admin.check_password(PASSWORD)


def test_an_account_created_in_the_admin_changes_its_first_password(client, system_admin, kj):
    log_in(client, system_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_planner",
            "display_name": "新计划",
            "email": "",
            "role": Role.PLANNER,
            "department": kj.pk,
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_planner")
    assert user.must_change_password and user.password_set_by == system_admin
    assert not user.is_staff


def test_the_system_administrator_cannot_change_their_own_role(client, system_admin, kj):
    log_in(client, system_admin)
    page = client.get(f"/admin/accounts/user/{system_admin.pk}/change/")
    assert 'name="role"' not in page.content.decode()
    client.post(
        f"/admin/accounts/user/{system_admin.pk}/change/",
        {
            "username": system_admin.username,
            "display_name": "x",
            "email": "",
            "role": Role.AUDIT_ADMIN,
            "department": kj.pk,
            "is_active": "on",
            "is_staff": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    system_admin.refresh_from_db()
    assert system_admin.role == Role.SYSTEM_ADMIN


def test_the_admin_login_form_is_the_one_login_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
