"""Logging in, in a real browser, as each role of the demo."""

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect
from servers import demo_code, log_in

from backend.accounts.roles import HOME_URL_NAME, SECOND_FACTOR_ROLES, Role
from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

# The home page's path for each role, as the URLconf gives it.
HOME_PATH = {
    Role.PLANNER: "/accounts/planner/",
    Role.INSPECTOR: "/field/",
    Role.LEGAL_REVIEWER: "/legal/",
    Role.DEPARTMENT_ADMIN: "/accounts/department/",
    Role.SYSTEM_ADMIN: "/accounts/system/",
    Role.SECURITY_ADMIN: "/accounts/security/",
    Role.AUDIT_ADMIN: "/audit/",
    Role.SUPERVISOR: "/supervision/",
}
ONE_ACCOUNT_PER_ROLE = list({a.role: a for a in DEMO_ACCOUNTS}.values())


def _log_in(page, username, password):
    log_in(page, username, password)


def _password_only(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_every_role_has_a_home_path():
    assert set(HOME_PATH) == set(HOME_URL_NAME)


@pytest.mark.parametrize("account", ONE_ACCOUNT_PER_ROLE, ids=lambda a: a.role)
def test_each_role_lands_on_its_home_page(page, account):
    _log_in(page, account.username, account.password)
    expect(page).to_have_url(re.compile(re.escape(HOME_PATH[account.role]) + "$"))
    expect(page.get_by_test_id("home-title")).to_be_visible()
    expect(page.get_by_test_id("current-role")).to_have_text(str(Role(account.role).label))


def test_an_administrator_passes_the_second_step_on_a_phone(phone, server_url):
    account = next(a for a in DEMO_ACCOUNTS if a.username == "sec_admin")
    assert account.role in SECOND_FACTOR_ROLES
    _password_only(phone, account.username, account.password)
    expect(phone).to_have_url(re.compile(r"/accounts/login/verify/"))
    expect(phone.get_by_test_id("second-factor-title")).to_have_text("第二步验证")
    code = phone.get_by_label("验证码")
    expect(code).to_have_attribute("inputmode", "numeric")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    # CSP-ready: no inline script on the login steps.
    assert phone.locator("script:not([src])").count() == 0
    code.fill("000000")
    phone.get_by_role("button", name="验证").click()
    expect(phone.get_by_test_id("second-factor-error")).to_contain_text("验证码不正确")
    phone.wait_for_timeout(1100)  # django-otp makes the next try wait a second
    code = phone.get_by_label("验证码")
    code.fill(demo_code(server_url, account.username))
    phone.get_by_role("button", name="验证").click()
    expect(phone).to_have_url(re.compile(re.escape(HOME_PATH[account.role]) + "$"))


def test_other_staff_may_bind_a_phone_app_from_the_qr_page(page, server_url):
    account = next(a for a in DEMO_ACCOUNTS if a.username == "ga_inspector")
    _log_in(page, account.username, account.password)
    expect(page.get_by_test_id("home-title")).to_be_visible()
    page.goto("/accounts/two-factor/")
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    assert page.locator("script:not([src])").count() == 0
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    page.get_by_label("验证器显示的 6 位验证码").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    # The next login has the second step.
    page.get_by_role("link", name="我已保存，继续").click()
    page.get_by_role("button", name="退出").click()
    _password_only(page, account.username, account.password)
    expect(page).to_have_url(re.compile(r"/accounts/login/verify/"))


def test_a_wrong_password_shows_the_error_in_chinese(page):
    account = ONE_ACCOUNT_PER_ROLE[0]
    _log_in(page, account.username, "certainly-not-it")
    error = page.get_by_test_id("login-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_an_inspector_can_use_the_menu_on_a_phone(phone):
    account = next(a for a in DEMO_ACCOUNTS if a.role == Role.INSPECTOR)
    _log_in(phone, account.username, account.password)
    expect(phone.get_by_test_id("home-title")).to_be_visible()
    menu = phone.locator("#main-nav")
    expect(menu).to_be_hidden()
    phone.get_by_role("button", name="菜单").click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="我的今日检查")).to_be_visible()
