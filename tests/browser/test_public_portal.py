"""The public portal on a phone: search a firm by name, open its page; no login, no JavaScript."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_searching_a_firm_by_name_on_a_phone_opens_its_page(phone):
    phone.goto("/")
    phone.get_by_test_id("portal-link").click()
    expect(phone.get_by_test_id("portal-title")).to_have_text("双随机、一公开 信息公示")
    assert _fits_the_screen(phone)

    phone.get_by_label("企业名称或统一社会信用代码").fill("一东")
    phone.get_by_role("button", name="查询").click()
    results = phone.get_by_test_id("firm-results")
    expect(results.get_by_role("link")).to_have_count(1)
    expect(results).to_contain_text("长春一东汽车零部件有限公司")
    assert _fits_the_screen(phone)

    results.get_by_role("link", name="长春一东汽车零部件有限公司").click()
    expect(phone).to_have_url(re.compile(r"/public/firms/[0-9A-Z]{18}/$"))
    expect(phone.get_by_test_id("firm-name")).to_have_text("长春一东汽车零部件有限公司")
    code = phone.get_by_test_id("firm-uscc").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{18}", code)
    history = phone.get_by_test_id("inspection-history")
    expect(history).to_contain_text("抽查检查结果")
    expect(history).to_contain_text("尚未公示")
    assert _fits_the_screen(phone)

    # The code found on the page leads straight back to it.
    phone.goto("/public/")
    phone.get_by_label("企业名称或统一社会信用代码").fill(code)
    phone.get_by_role("button", name="查询").click()
    expect(phone).to_have_url(re.compile(rf"/public/firms/{code}/$"))


def test_the_portal_works_without_javascript(browser, server_url):
    context = browser.new_context(
        base_url=server_url, locale="zh-CN", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/public/")
        page.get_by_label("企业名称或统一社会信用代码").fill("长春")
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_test_id("firm-results").get_by_role("link").first).to_be_visible()
        page.get_by_test_id("firm-results").get_by_role("link").first.click()
        expect(page.get_by_test_id("firm-name")).to_be_visible()

        page.get_by_test_id("portal-nav").get_by_role("link", name="抽查事项清单").click()
        expect(page.get_by_text("外国人来华工作许可事项检查").first).to_be_visible()
        page.get_by_test_id("portal-nav").get_by_role("link", name="执法检查人员").click()
        expect(page.get_by_text("执法证号").first).to_be_visible()
        assert _fits_the_screen(page)
    finally:
        context.close()
