"""The department administrator of the demo lands on a to-do list, follows one of its links to
the page where the work is done, and is asked before an irreversible step (here: publishing
results), which a "no" leaves undone; one account of every role lands on its home and every
link of its to-do list opens. Screenshots of the home pages are kept as artifacts
(test-artifacts/)."""

import re

import pytest
from playwright.sync_api import expect
from servers import ROOT, accept_dialog, log_in

from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
ARTIFACTS = ROOT / "test-artifacts"


def _home(page, username: str) -> None:
    log_in(page, username, PASSWORDS[username])
    expect(page.get_by_test_id("home-title")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{username}.png"), full_page=True)


def test_kj_admin_follows_a_to_do_link_and_is_asked_before_publishing(page):
    _home(page, "kj_admin")
    todo = page.get_by_test_id("todo")
    expect(todo.get_by_test_id("todo-item").first).to_be_visible()
    body = page.locator("body").inner_text()
    assert "auth.login" not in body
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", body)

    item = todo.locator("li", has_text="检查结果待公示")
    count = int(item.get_by_test_id("todo-count").inner_text())
    assert count > 0
    item.get_by_test_id("todo-item").click()
    expect(page).to_have_url(re.compile(r"/disclosure/$"))
    due = page.get_by_test_id("due").get_by_role("heading")
    overdue = page.get_by_test_id("overdue").get_by_role("heading")
    waiting = int(re.search(r"（(\d+)）", due.inner_text())[1]) + int(
        re.search(r"（(\d+)）", overdue.inner_text())[1]
    )
    assert waiting == count

    questions = []

    def say_no(dialog):
        questions.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.remove_listener("dialog", accept_dialog)
    page.on("dialog", say_no)
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="公示所选结果").click()
    page.wait_for_timeout(500)  # a submitted form would have navigated by now
    assert questions and questions[0][0] == "confirm"
    assert "不能" in questions[0][1]
    # Answered "no": the form was not sent, the same page is still there, the button usable.
    assert page.evaluate("window.notReloaded === true")
    expect(page.get_by_role("button", name="公示所选结果")).to_be_enabled()


# One demo account of every role, and the invited bureaus' own administrator and planner.
EVERY_ROLE = (
    "kj_planner",
    "kj_inspector",
    "kj_legal",
    "kj_admin",
    "ga_admin",
    "rs_planner",
    "sys_admin",
    "sec_admin",
    "audit_admin",
    "sf_supervisor",
)


def test_every_demo_home_is_a_to_do_list_without_codes_whose_links_open(page):
    opened = {}
    for username in EVERY_ROLE:
        page.context.clear_cookies()
        _home(page, username)
        if username == "kj_inspector":
            # The inspector's home is the day's inspections, each card a link to its work.
            links = page.locator("[data-testid^='inspection-'] a")
            expect(links.first).to_be_visible()
        elif username == "kj_legal":
            # The legal reviewer's home is the review queue itself; its to-do card shows only
            # when something waits (the demo's one review was decided last year).
            expect(page).to_have_url(re.compile(r"/legal/$"))
            links = page.get_by_test_id("todo-item")
        else:
            todo = page.get_by_test_id("todo")
            expect(todo).to_be_visible()
            links = todo.get_by_test_id("todo-item")
        body = page.locator("body").inner_text()
        assert not re.search(r"\b[a-z]+\.[a-z_]+\b \d+", body), username
        assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", body), username
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for href in hrefs:
            response = page.goto(href)
            assert response is not None and response.ok, (username, href)
            assert "/accounts/login" not in page.url, (username, href)
        opened[username] = len(hrefs)
    # The demo leaves work waiting for the planner, the inspector and the department head.
    assert all(opened[u] > 0 for u in ("kj_planner", "kj_inspector", "kj_admin")), opened


def test_a_form_sent_back_with_errors_lists_them_at_its_top_linked_to_the_fields(page):
    log_in(page, "kj_planner", PASSWORDS["kj_planner"])
    page.goto("/accounts/password/")
    page.get_by_role("button", name="修改密码").click()  # nothing filled in
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("原密码：请输入原密码")
    link = summary.get_by_role("link").first
    target = link.get_attribute("href")
    assert target.startswith("#id_")
    link.click()
    assert page.evaluate("document.activeElement.id") == target[1:]


def _count_of(item) -> int:
    return int(item.get_by_test_id("todo-count").inner_text())


def _listed(page) -> int:
    return int(re.search(r"共 (\d+) ", page.get_by_test_id("list-total").inner_text())[1])


def test_the_supervisor_home_counts_the_warnings_and_the_opinion_awaiting_an_answer(page):
    _home(page, "sf_supervisor")
    todo = page.get_by_test_id("todo")
    warnings = todo.locator("li", has_text="监督预警")
    count = _count_of(warnings)
    assert count > 0
    warnings.get_by_test_id("todo-item").click()
    expect(page).to_have_url(re.compile(r"/supervision/$"))
    assert _listed(page) == count
    # The demo's opinion to the science bureau still waits for its answer.
    page.goto("/")
    waiting = page.get_by_test_id("todo").locator("li", has_text="监督意见")
    expect(waiting.first).to_be_visible()
    count = _count_of(waiting.first)
    waiting.first.get_by_test_id("todo-item").click()
    expect(page).to_have_url(re.compile(r"/supervision/opinions/\?state="))
    assert _listed(page) == count
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("首页 › 监督意见")


def test_the_audit_administrator_home_has_a_to_do_card_whose_links_work(page):
    _home(page, "audit_admin")
    todo = page.get_by_test_id("todo")
    expect(todo).to_be_visible()
    body = page.locator("body").inner_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", body)
    links = todo.get_by_test_id("todo-item")
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        response = page.goto(href)
        assert response.ok, href
