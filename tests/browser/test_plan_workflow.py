"""An annual plan in a real browser: the planner generates it, edits a proposed line and submits
it; the department administrator approves it."""

import re

import pytest
from playwright.sync_api import expect
from servers import log_in

from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser


def _log_in(page, username: str) -> None:
    account = next(a for a in DEMO_ACCOUNTS if a.username == username)
    log_in(page, account.username, account.password)
    expect(page.get_by_test_id("home-title")).to_be_visible()


def test_a_plan_is_generated_edited_submitted_and_approved(page):
    _log_in(page, "kj_planner")
    # The planner's home shows the department's tasks: this year's one-department draft, and
    # last year's joint task, its inspections carried out, reviewed and published.
    expect(page.get_by_test_id("dashboard")).to_contain_text("草稿 1")
    expect(page.get_by_test_id("dashboard")).to_contain_text("检查结果已公示 1")
    # Its referral to 公安 is still open, past the date 公安 was to report back.
    expect(page.get_by_test_id("follow-ups-due")).to_contain_text("已逾期")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="年度计划").click()
    form = page.get_by_test_id("generate-form")
    form.get_by_label("计划年度").fill("2023")
    form.get_by_role("button", name="生成计划草稿").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+/$"))
    plan_url = page.url
    expect(page.get_by_test_id("plan-status")).to_have_text("草稿")
    expect(page.get_by_test_id("line-1")).to_contain_text("外国人来华工作许可事项检查（联合抽查）")

    page.get_by_test_id("edit-line-1").click()
    line_form = page.get_by_test_id("line-form")
    line_form.get_by_label("计划名称").fill("外国人来华工作许可联合抽查")
    line_form.locator("input[name=ratio_D]").fill("")
    line_form.locator("input[name=count_D]").fill("1")
    line_form.get_by_label("结束季度").select_option("3")
    line_form.get_by_role("button", name="保存").click()
    expect(page).to_have_url(plan_url)
    line = page.get_by_test_id("line-1")
    expect(line).to_contain_text("外国人来华工作许可联合抽查")
    expect(line).to_contain_text("D类：1 户 × 固定 → 1 户")
    expect(line).to_contain_text("第3季度")

    page.get_by_test_id("submit-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("待审批")
    expect(page.get_by_test_id("approve-plan")).to_have_count(0)  # not the planner's to approve
    page.get_by_role("button", name="退出").click()

    _log_in(page, "kj_admin")
    page.goto(plan_url)
    page.get_by_test_id("approve-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已批准")
    expect(page.locator(".messages")).to_contain_text("已批准")
