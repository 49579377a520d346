"""Two-factor login (TOTP, django-otp): required for the three separated administrators and
department administrators, optional for other staff; recovery codes; enrolment and reset
audited; the security administrator resets, never the system administrator."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import User
from backend.accounts.roles import SECOND_FACTOR_ROLES, Role
from backend.audit.models import AuditEvent, Outcome
from tests.conftest import PASSWORD, log_in

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
ENROL = "/accounts/two-factor/"


def _code(key_hex: str, steps_ahead: int = 0, drift: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex), drift=drift)
    totp.time = totp.time + steps_ahead * 30
    return f"{totp.token():06d}"


def _password_step(client, user):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD})


def _enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)


def test_the_required_roles_are_the_administrators():
    assert SECOND_FACTOR_ROLES == {
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
        Role.DEPARTMENT_ADMIN,
    }


def test_an_administrator_without_an_app_must_enrol_first(client, audit_admin):
    response = _password_step(client, audit_admin)
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith(ENROL)
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body.split("<main", 1)[1].split("</main>")[0]
    secret = "".join(page.context["secret_groups"])
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    # Nothing else opens meanwhile, pages or API.
    assert client.get("/audit/")["Location"].startswith(ENROL)
    api = client.get("/api/v1/audit-events/")
    assert api.status_code == 403 and api.json()["code"] == "login_incomplete"
    key = client.session["accounts_pending_totp_key"]
    done = client.post(ENROL, {"code": _code(key)})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert client.get("/audit/").status_code == 200
    enrolled = AuditEvent.objects.get(action="account.2fa_enrol")
    assert enrolled.actor == audit_admin and enrolled.detail["replaced"] is False
    assert not [c for c in codes if c in str(enrolled.detail)]


def test_a_wrong_first_code_binds_nothing(client, department_admin):
    _password_step(client, department_admin)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "12345"})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=department_admin).exists()


def test_an_enrolled_administrator_passes_the_second_step(client, department_admin):
    device = _enrol(department_admin)
    response = _password_step(client, department_admin)
    assert client.get(response["Location"])["Location"].startswith(VERIFY)
    assert client.get("/accounts/department/")["Location"].startswith(VERIFY)
    assert client.get("/api/v1/me/").status_code == 403
    wrong = client.post(VERIFY, {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    failed = AuditEvent.objects.get(action="auth.2fa_failed")
    assert failed.actor == department_admin and failed.outcome == Outcome.FAILURE
    device.refresh_from_db()
    device.throttle_reset()
    passed = client.post(VERIFY, {"code": _code(device.key), "next": "/accounts/department/"})
    assert passed["Location"] == "/accounts/department/"
    assert client.get("/accounts/department/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.2fa_passed", actor=department_admin).exists()


def test_the_same_code_is_not_accepted_twice(department_admin):
    device = _enrol(department_admin)
    first, second = Client(), Client()
    code = _code(device.key)
    _password_step(first, department_admin)
    first.post(VERIFY, {"code": code})
    assert first.get("/accounts/department/").status_code == 200
    _password_step(second, department_admin)
    device.refresh_from_db()
    device.throttle_reset()
    response = second.post(VERIFY, {"code": code})
    assert "验证码不正确" in response.content.decode()


def test_wrong_codes_make_the_next_try_wait(client, department_admin):
    device = _enrol(department_admin)
    _password_step(client, department_admin)
    client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": _code(device.key)})
    assert "后再试" in response.content.decode()
    assert client.get("/accounts/department/").status_code == 302


def test_a_recovery_code_works_once(client, department_admin):
    _enrol(department_admin)
    log_in(client, department_admin)
    codes = client.post("/accounts/two-factor/recovery-codes/").context["codes"]
    other = Client()
    _password_step(other, department_admin)
    response = other.post(VERIFY, {"code": codes[0].upper(), "recovery": "1"})
    assert response.status_code == 302
    assert other.get("/accounts/department/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    third = Client()
    _password_step(third, department_admin)
    again = third.post(VERIFY, {"code": codes[0], "recovery": "1"})
    assert "恢复码不正确" in again.content.decode()


def test_other_staff_may_log_in_without_and_enrol_if_they_wish(client, planner):
    response = _password_step(client, planner)
    assert client.get(response["Location"])["Location"] == "/accounts/planner/"
    page = client.get(ENROL)
    assert page.status_code == 200
    client.post(ENROL, {"code": _code(client.session["accounts_pending_totp_key"])})
    assert TOTPDevice.objects.filter(user=planner, confirmed=True).exists()
    # From now on the planner's login has two steps too.
    later = Client()
    _password_step(later, planner)
    assert later.get("/accounts/planner/")["Location"].startswith(VERIFY)


def test_a_stolen_password_cannot_bind_another_phone(client, department_admin):
    device = _enrol(department_admin)
    _password_step(client, department_admin)
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    response = client.post(ENROL, {"code": "123456"})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=department_admin) == device


def test_a_verified_session_replaces_its_app(client, department_admin):
    old = _enrol(department_admin)
    log_in(client, department_admin)
    client.get(ENROL)
    key = client.session["accounts_pending_totp_key"]
    client.post(ENROL, {"code": _code(key)})
    new = TOTPDevice.objects.get(user=department_admin)
    assert new.pk != old.pk and new.key == key
    assert AuditEvent.objects.get(action="account.2fa_enrol").detail["replaced"] is True


def test_the_security_administrator_resets_a_second_factor(
    client, security_admin, department_admin
):
    _enrol(department_admin)
    log_in(client, security_admin)
    response = client.post(
        "/accounts/security/two-factor-reset/", {"username": department_admin.username}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=department_admin).exists()
    reset = AuditEvent.objects.get(action="account.2fa_reset")
    assert reset.actor == security_admin and reset.object_id == str(department_admin.pk)
    # The owner binds a new app at the next login.
    owner = Client()
    _password_step(owner, department_admin)
    assert owner.get("/accounts/department/")["Location"].startswith(ENROL)


def test_the_system_administrator_never_resets_a_second_factor(
    client, system_admin, department_admin
):
    _enrol(department_admin)
    log_in(client, system_admin)
    response = client.post(
        "/accounts/security/two-factor-reset/", {"username": department_admin.username}
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=department_admin).exists()
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403
    assert client.get("/admin/otp_static/staticdevice/").status_code == 403
    denied = AuditEvent.objects.filter(action="permission.denied", actor=system_admin)
    assert denied.count() == 3


def test_the_security_administrator_does_not_reset_their_own(client, security_admin):
    log_in(client, security_admin)
    response = client.post(
        "/accounts/security/two-factor-reset/", {"username": security_admin.username}
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=security_admin).exists()


def test_a_token_from_the_page_needs_the_verified_session(client, department_admin):
    _enrol(department_admin)
    _password_step(client, department_admin)
    assert client.post("/accounts/tokens/")["Location"].startswith(VERIFY)


# --- the demo accounts, without a phone -----------------------------------------------------


def test_demo_mode_enrols_the_administrators_and_prints_their_secrets(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for user in User.objects.filter(username__in=["sys_admin", "sec_admin", "audit_admin"]):
        device = TOTPDevice.objects.get(user=user)
        secret = device.config_url.split("secret=")[1].split("&")[0]
        assert f"{user.username:<16}{secret}" in out
    assert not TOTPDevice.objects.filter(user__username="kj_planner").exists()


def test_demo_totp_prints_a_code_the_login_accepts(client, db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", quiet_accounts=True)
    capsys.readouterr()
    for _ in range(2):  # twice in the same 30 seconds: a code is used once
        call_command("demo_totp", "kj_admin")
        code = capsys.readouterr().out.strip()
        other = Client()
        other.post(LOGIN, {"username": "kj_admin", "password": "Guanli-2021-KJ!"})
        assert other.post(VERIFY, {"code": code}).status_code == 302
        assert other.get("/accounts/department/").status_code == 200


def test_demo_totp_is_refused_outside_demo_mode_and_for_real_accounts(
    db, settings, department_admin
):
    settings.DEBUG = True
    call_command("seed_demo", quiet_accounts=True)
    _enrol(department_admin)
    with pytest.raises(CommandError, match="演示验证器"):
        call_command("demo_totp", department_admin.username)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="演示模式"):
        call_command("demo_totp", "kj_admin")


def test_outside_demo_mode_seed_demo_enrols_nobody(db, capsys):
    call_command("seed_demo")
    assert "双因素" not in capsys.readouterr().out
    assert not TOTPDevice.objects.exists()
