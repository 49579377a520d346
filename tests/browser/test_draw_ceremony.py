"""The whole draw ceremony in a real browser: the planner opens the demo's draft task, announces
the firms draw, enters the witness's value, performs it and sees the result; then the teams
draw. Anyone's copy of verify_draw.py, run on the files the public draw pages link to, says
VERIFIED for both. Last, the planner prints the list for the 随机抽查通知书.

This module runs its own demo server: it moves the demo's draft task forward, which the other
browser tests count on finding as a draft."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect
from servers import log_in

from demo.accounts import DEMO_ACCOUNTS
from demo.plans import ordinary_task_code
from tests.browser.conftest import demo_server

pytestmark = pytest.mark.browser

ORDINARY_TASK = ordinary_task_code()  # the demo's draft task (demo/plans.py)


@pytest.fixture(scope="module")
def server_url():
    with demo_server() as url:
        yield url


def _log_in(page, username: str) -> None:
    account = next(a for a in DEMO_ACCOUNTS if a.username == username)
    log_in(page, account.username, account.password)
    expect(page.get_by_test_id("home-title")).to_be_visible()


def _announce_and_perform(page, button: str, value: str, status: str) -> str:
    draws = page.get_by_test_id("draws")
    announce = draws.get_by_test_id("draw-announce")
    expect(announce).to_have_text(button)
    announce.click()
    expect(page.locator(".messages")).to_contain_text("已公告抽取")
    form = page.get_by_test_id("draw-perform-form")
    public_id = form.locator(".mono").first.inner_text()
    form.get_by_label("纪检监督员").fill(value)
    form.get_by_test_id("draw-perform").click()
    expect(page.get_by_test_id("task-status")).to_have_text(status)
    expect(page.locator(".messages")).to_contain_text(f"抽取 {public_id} 已完成")
    return public_id


def _download(page, url: str, folder, name: str) -> str:
    response = page.context.request.get(url)
    assert response.ok, f"{url} answered {response.status}"
    path = folder / name
    path.write_bytes(response.body())
    return str(path)


def _verify(page, public_id: str, folder) -> subprocess.CompletedProcess:
    """Open the draw's public page, fetch what it links to, and run the verifier on it."""
    page.goto(f"/public/draws/{public_id}/")
    expect(page.get_by_test_id("draw-status")).to_have_text("已抽取")
    expect(page.get_by_test_id("draw-result").locator("tbody tr").first).to_be_visible()
    # The files and the command are in the collapsed 技术验证 section.
    page.get_by_test_id("technical").locator("summary").click()
    folder.mkdir()
    links = {
        name: page.get_by_role("link", name=name, exact=True).first.get_attribute("href")
        for name in ("announcement.json", "reveal.json", "pool.csv", "result.csv")
    }
    verifier = page.get_by_role("link", name="独立验证程序 verify_draw.py")
    args = [_download(page, verifier.get_attribute("href"), folder, "verify_draw.py")]
    args += [_download(page, url, folder, name) for name, url in links.items()]
    if "检查人员" in page.locator("h1").inner_text():
        # The lead planner may audit the teams draw: the pool and conflicts come with the page.
        for name, option in (("conflicts.csv", "--conflicts"), ("firms_result.csv", None)):
            url = page.get_by_role("link", name=name, exact=True).get_attribute("href")
            path = _download(page, url, folder, name)
            args += [option or "--firms-result", path]
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_planner_runs_both_draws_and_anyone_can_verify_them(page, tmp_path):
    _log_in(page, "kj_planner")
    page.goto("/tasks/")
    page.get_by_role("link", name=ORDINARY_TASK, exact=True).click()
    expect(page.get_by_test_id("task-status")).to_have_text("草稿")
    task_url = page.url

    firms_id = _announce_and_perform(page, "公告检查对象抽取", "20210610-077", "检查对象已抽取")
    # The drawn firms in words, not the seed (it is on the public draw page).
    expect(page.get_by_test_id("drawn-firms").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("draws")).not_to_contain_text(re.compile(r"[0-9a-f]{64}"))
    teams_id = _announce_and_perform(page, "公告检查人员抽取", "20210611-150", "检查人员已抽取")
    expect(page.get_by_test_id("draws").locator("h2")).to_contain_text("共 2 次")

    for public_id in (firms_id, teams_id):
        outcome = _verify(page, public_id, tmp_path / public_id)
        assert outcome.returncode == 0, outcome.stdout + outcome.stderr
        assert "验证通过 / VERIFIED" in outcome.stdout
        assert "[OK]" in outcome.stdout

    # The printable result of the firms draw, and the list for the notices.
    page.goto(f"/public/draws/{firms_id}/")
    page.get_by_test_id("draw-print-link").click()
    expect(page.get_by_test_id("print-title")).to_have_text("检查对象随机抽取结果")
    expect(page.locator("nav")).to_have_count(0)

    page.goto(task_url)
    page.get_by_test_id("notices-print").click()
    expect(page.get_by_test_id("print-title")).to_have_text("随机抽查通知书清单")
    notices = page.locator("[data-testid^=notice-]")
    expect(notices.first).to_contain_text("检查人员")
    assert notices.count() >= 1
    first = notices.first.inner_text()
    assert re.search(r"执法证号 \S+", first) and "统一社会信用代码" in first
    page.emulate_media(media="print")
    expect(page.locator(".screen-only")).to_be_hidden()
    assert page.pdf(format="A4").startswith(b"%PDF")
