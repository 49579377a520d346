"""The supervisor's warnings page in a real browser: the demo's 市司法局 supervisor lands on the
warnings (the employer at the science bureau's cap this year, demo.rules_2025), filters them,
and finds the opinion that waits for the bureau's answer."""

import re

import pytest
from playwright.sync_api import expect
from servers import log_in

from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser


def test_the_supervisor_filters_the_warnings_and_finds_the_waiting_opinion(page):
    account = next(a for a in DEMO_ACCOUNTS if a.username == "sf_supervisor")
    log_in(page, account.username, account.password)
    expect(page).to_have_url(re.compile(r"/supervision/$"))
    expect(page.get_by_test_id("warning-totals")).to_contain_text("高频检查 1 条")
    expect(page.get_by_test_id("warnings")).to_contain_text("已达到市科学技术局设定的检查频次上限")

    page.get_by_label("预警类型").select_option("overdue")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("warnings")).to_contain_text("所选范围内没有预警")

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="监督意见").click()
    expect(page.get_by_test_id("opinions")).to_contain_text("待答复")
