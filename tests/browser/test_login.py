"""Logging in, in a real browser, as each role of the demo."""

import re

import pytest
from playwright.sync_api import expect

from backend.accounts.roles import HOME_URL_NAME, Role
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
}
ONE_ACCOUNT_PER_ROLE = list({a.role: a for a in DEMO_ACCOUNTS}.values())


def _log_in(page, username, password):
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
