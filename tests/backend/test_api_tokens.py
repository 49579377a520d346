"""API tokens: stored hashed, shown once, expiring, only ever one's own; and the attack of
issue 20 replayed: the system administrator making a token for the audit administrator."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from backend.audit.models import AuditEvent, Outcome
from tests.conftest import PASSWORD, log_in

TOKEN_URL = "/api/v1/auth/token/"


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


def _enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)


def _token_for(client, user, **extra) -> dict:
    response = client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra})
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_token_is_stored_as_a_digest_only(client, planner):
    body = _token_for(client, planner)
    token = body["token"]
    row = AuthToken.objects.get(user=planner)
    assert row.digest == hashlib.sha512(token.encode()).hexdigest()
    # Only knox's lookup prefix is kept in clear: 15 of 64 characters.
    assert token.startswith(row.token_key) and len(row.token_key) == 15 < len(token)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert not [value for value in stored if token in value]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["username"] == planner.username


def test_the_token_is_shown_once_and_never_again(client, planner):
    log_in(client, planner)
    page = client.post("/accounts/tokens/")
    token = page.context["new_token"]
    assert token and token in page.content.decode()
    again = client.get("/accounts/tokens/").content.decode()
    assert token not in again
    assert token[:8] in again  # the owner recognises it by its first characters
    assert token not in client.get("/accounts/me/").content.decode()
    event = AuditEvent.objects.get(action="auth.token")
    assert event.actor == planner and token not in str(event.detail) + event.object_id


def test_a_token_expires(client, planner, settings):
    body = _token_for(client, planner)
    row = AuthToken.objects.get(user=planner)
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert abs((row.expiry - expected).total_seconds()) < 60
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"
    assert not AuthToken.objects.filter(user=planner).exists()
    expired = AuditEvent.objects.get(action="auth.token_expired")
    assert expired.actor_username == planner.username


def test_an_owner_revokes_their_token(client, planner):
    token = _token_for(client, planner)["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.post("/api/v1/auth/token/revoke/", **auth).status_code == 204
    assert client.get("/api/v1/me/", **auth).status_code in (401, 403)
    assert AuditEvent.objects.filter(action="auth.token_revoke", actor=planner).count() == 1


def test_an_account_holds_a_few_tokens_at_most(client, planner, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    _token_for(client, planner)
    _token_for(client, planner)
    response = client.post(TOKEN_URL, {"username": planner.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "最多" in response.json()["message"]
    assert AuthToken.objects.filter(user=planner).count() == 2


def test_an_administrator_needs_the_second_factor_for_a_token(client, department_admin):
    device = _enrol(department_admin)
    missing = client.post(TOKEN_URL, {"username": department_admin.username, "password": PASSWORD})
    assert missing.status_code == 400
    assert "otp_code" in missing.json()["fields"]
    wrong = client.post(
        TOKEN_URL,
        {"username": department_admin.username, "password": PASSWORD, "otp_code": "000000"},
    )
    assert wrong.status_code == 400
    assert not AuthToken.objects.exists()
    device.throttle_reset()
    _token_for(client, department_admin, otp_code=_code(device))
    assert AuthToken.objects.filter(user=department_admin).count() == 1


def test_an_administrator_without_a_second_factor_gets_no_token(client, audit_admin):
    response = client.post(TOKEN_URL, {"username": audit_admin.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "双因素" in response.json()["message"]
    refused = AuditEvent.objects.get(action="auth.token_refused")
    assert refused.actor == audit_admin and refused.outcome == Outcome.DENIED
    assert not AuthToken.objects.exists()


# --- the attack of issue 20, finding 2 -----------------------------------------------------


def test_the_system_administrator_cannot_make_a_token_for_the_audit_administrator(
    client, system_admin, audit_admin
):
    log_in(client, system_admin)
    # The Django admin's token form, as the attack used it (DRF's, then knox's).
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 404
    response = client.post("/admin/knox/authtoken/add/", {"user": audit_admin.pk})
    assert response.status_code == 403
    assert client.get("/admin/knox/authtoken/").status_code == 403
    assert not AuthToken.objects.exists()
    refusals = AuditEvent.objects.filter(action="permission.denied", outcome=Outcome.DENIED)
    assert refusals.filter(actor=system_admin, object_id="/admin/knox/authtoken/add/").exists()
    # Nor through the API, with the session or with a body naming the other account.
    api = client.post(TOKEN_URL, {"username": audit_admin.username, "password": "a-guess-1234"})
    assert api.status_code == 400
    assert not AuthToken.objects.exists()
    assert AuditEvent.objects.filter(
        action="auth.login_failed", actor_username=audit_admin.username
    ).exists()


def test_a_password_set_by_the_system_administrator_gets_no_token(
    client, system_admin, audit_admin, django_capture_on_commit_callbacks
):
    _enrol(audit_admin)
    log_in(client, system_admin)
    new_password = "Set-By-Sysadmin-2026"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/accounts/user/{audit_admin.pk}/password/",
            {"password1": new_password, "password2": new_password, "usable_password": "true"},
        )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="account.password_set", actor=system_admin, object_id=str(audit_admin.pk)
    ).exists()
    outsider = client.__class__()
    response = outsider.post(
        TOKEN_URL, {"username": audit_admin.username, "password": new_password, "otp_code": "1"}
    )
    assert response.status_code == 400  # the audit administrator's phone is not theirs
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("with_row", [True, False])
def test_the_migration_drops_drf_clear_text_tokens(transactional_db, with_row):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("backend.api.migrations.0001_revoke_clear_text_drf_tokens")
    with connection.schema_editor() as editor:
        editor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id bigint)"
        )
        if with_row:
            editor.execute(
                "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
                ["0123456789abcdef0123456789abcdef01234567", timezone.now(), 1],
            )
        editor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            ["authtoken", "0001_initial", timezone.now()],
        )
    with connection.schema_editor() as editor:
        migration.drop_clear_text_tokens(apps, editor)
    with connection.cursor() as cursor:
        assert "authtoken_token" not in connection.introspection.table_names(cursor)
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone()[0] == 0
