"""The Content-Security-Policy in a real Chromium: each role's main pages, the public portal,
the login page, the admin and the API's pages report no violation, and their scripts still run.

A violation is caught twice: by the page's own `securitypolicyviolation` events (recorded by a
listener Playwright installs before any of the page's scripts) and by Chromium's console
message ("Refused to … because it violates the following Content Security Policy directive").
"""

import re
from datetime import date

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect
from servers import log_in

from backend.codes import make_citizen_id
from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") +
    " at " + e.documentURI);
});
"""

# Each role's main pages (its home first), and the pages anyone may open.
MAIN_PAGES = {
    None: ["/", "/public/", "/public/firms/?q=长春", "/public/items/", "/public/officers/",
           "/public/procedures/", "/public/results/", "/public/plans/", "/public/statistics/",
           "/public/downloads/", "/public/checkpoints/", "/accounts/login/"],
    "kj_planner": ["/", "/plans/", "/tasks/", "/directory/firms/", "/directory/items/",
                   "/imports/firms/"],
    "kj_inspector": ["/", "/field/"],
    "kj_legal": ["/", "/legal/"],
    "kj_admin": ["/", "/personnel/", "/disclosure/", "/field/review/", "/accounts/tokens/"],
    "sys_admin": ["/", "/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/",
                  "/calendar/"],
    "sec_admin": ["/", "/accounts/security/", "/checkpoints/"],
    "audit_admin": ["/", "/audit/"],
}  # fmt: skip

ACCOUNTS = {a.username: a for a in DEMO_ACCOUNTS}


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error of the test collected."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if message.type in {"error", "warning"} else None
        ),
    )
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    page.add_init_script(LISTEN)
    page.console_messages_seen = console
    return page


def violations(page) -> list[str]:
    events = page.evaluate("window.__cspViolations || []")
    said = [m for m in page.console_messages_seen if "Content Security Policy" in m]
    return events + said


def open_each(page, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert response is not None
        assert response.status == 200, f"{path}: {response.status}"
        header = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in header and "unsafe-inline" not in header, path
        assert violations(page) == [], f"{path}: {violations(page)}"


@pytest.mark.parametrize("username", list(MAIN_PAGES), ids=lambda name: name or "public")
def test_the_main_pages_of_each_role_report_no_violation(watched, username):
    if username is not None:
        account = ACCOUNTS[username]
        log_in(watched, account.username, account.password)
        expect(watched).not_to_have_url(re.compile(r"/accounts/login/"))
    open_each(watched, MAIN_PAGES[username])


def test_the_menu_script_still_opens_the_menu_on_a_phone(phone):
    phone.add_init_script(LISTEN)
    account = ACCOUNTS["kj_planner"]
    log_in(phone, account.username, account.password)
    toggle = phone.locator(".nav-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(phone.locator("#main-nav")).to_have_class(re.compile(r"\bopen\b"))
    assert phone.evaluate("window.__cspViolations") == []


def test_the_import_page_follows_its_job_with_the_moved_progress_bar(watched, tmp_path):
    """The job page's script polls, fills the <progress> and reloads when the job is done."""
    person = make_citizen_id(region="220102", birth=date(1991, 3, 14), seq="515")
    workbook = Workbook()
    for row in (
        ["姓名", "公民身份号码", "人员类别", "证件号码", "证件类型", "发证机关", "执法领域",
         "有效期起", "有效期止"],
        ["策略甲", person, "行政执法类公务员", "22010029900515", "全国统一行政执法证",
         "长春市人民政府", "外国人来华工作许可", "2022-01-01", "2026-12-31"],
    ):  # fmt: skip
        workbook.active.append(row)
    path = tmp_path / "策略.xlsx"
    workbook.save(path)

    account = ACCOUNTS["kj_admin"]
    log_in(watched, account.username, account.password)
    watched.goto("/imports/officers/")
    watched.set_input_files("input[type=file]", str(path))
    watched.get_by_label("全部有效才导入").check()
    watched.get_by_role("button", name="上传并导入").click()
    expect(watched).to_have_url(re.compile(r"/imports/job/\d+/$"))
    # Without its script the page would stay as it was first drawn: queued, 0%.
    expect(watched.get_by_test_id("job-status")).to_have_text("已完成", timeout=30_000)
    progress = watched.locator("progress.progress")
    expect(progress).to_have_attribute("value", "100")
    assert progress.evaluate("bar => bar.position") == 1
    assert violations(watched) == []


def test_the_swagger_page_draws_the_api_without_an_inline_script(watched):
    account = ACCOUNTS["kj_planner"]
    log_in(watched, account.username, account.password)
    response = watched.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(watched.locator(".swagger-ui .info .title")).to_contain_text("双随机", timeout=30_000)
    expect(watched.locator(".opblock").first).to_be_visible()
    assert violations(watched) == []


def test_the_browsable_api_reports_no_violation(watched):
    account = ACCOUNTS["kj_planner"]
    log_in(watched, account.username, account.password)
    response = watched.goto("/api/v1/tasks/")
    assert response.headers["content-type"].startswith("text/html")
    watched.wait_for_load_state("networkidle")
    expect(watched.locator(".response-info")).to_be_visible()
    assert violations(watched) == []
