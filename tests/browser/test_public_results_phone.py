"""Published results on a phone: search a firm, open its inspection history, follow it to the
task and its draws; the results list without JavaScript.

This module serves its own copy of the demo: before the server starts, a setup step carries the
demo's joint task of last year (T-<last year>-007) through fieldwork with the services (unless the
demo already did) and publishes its reviewed results, against the server's own database.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from servers import demo_server

from demo.plans import joint_task_code

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 375, "height": 740}


def seed_published_results() -> None:
    """Run inside the server's environment (see `server_url`)."""
    from disclosure_builders import carry_out

    from backend.accounts.models import User
    from demo.plans import joint_task_code
    from disclosure.selectors import PUBLISHABLE, publication_problems
    from disclosure.services import publish_results
    from inspections.planning.models import SamplingTask, TaskStatus

    task = SamplingTask.objects.get(code=joint_task_code())
    planner = User.objects.get(username="kj_planner")
    if task.status == TaskStatus.TEAMS_DRAWN:
        reviewer = User.objects.get(username="kj_admin")
        carry_out(task, planner=planner, reviewer=reviewer, results={0: ["follow-up-disclosure"]})
    ready = [
        i
        for i in task.inspections.filter(state__in=PUBLISHABLE).order_by("code")
        if not publication_problems(i)
    ]
    if ready:
        publish_results(actor=planner, inspections=ready)


def _prepare(env: dict) -> None:
    """Publish last year's joint task's results in the server's database (this module's own
    function)."""
    here = Path(__file__).parent
    setup = (
        f"import django; django.setup(); import {Path(__file__).stem} as t; "
        "t.seed_published_results()"
    )
    env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(here)]),
    }
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, cwd=ROOT)


@pytest.fixture(scope="module")
def server_url():
    """The demo with last year's joint task's results published, served by runserver on a free
    port."""
    with demo_server(_prepare) as url:
        yield url


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_searching_a_firm_on_a_phone_opens_its_inspection_history(phone):
    published = phone.request.get("/api/v1/public/results/?status=in_force").json()["results"]
    assert published, "the setup step published last year's joint task's results"
    firm = next(
        (r for r in published if r["result_codes"][0].startswith("follow-up")), published[0]
    )
    fragment = firm["firm_name"][2:6]

    phone.goto("/public/")
    phone.get_by_label("企业名称或统一社会信用代码").fill(fragment)
    phone.get_by_role("button", name="查询").click()
    results = phone.get_by_test_id("firm-results")
    results.get_by_role("link", name=firm["firm_name"]).click()
    expect(phone).to_have_url(re.compile(rf"/public/firms/{firm['firm_uscc']}/$"))

    history = phone.get_by_test_id("inspection-history")
    entry = history.get_by_test_id("history-entry").first
    expect(entry).to_contain_text(firm["code"])
    expect(entry).to_contain_text("市科学技术局")
    expect(entry).to_contain_text(joint_task_code())
    expect(entry.get_by_test_id("result-text")).to_have_text("；".join(firm["result"]))
    expect(entry.get_by_test_id("result-status")).to_have_text("有效")
    assert _fits_the_screen(phone)

    # From the history to the task, its draws and its other results.
    entry.get_by_role("link", name=joint_task_code(), exact=True).click()
    expect(phone.get_by_test_id("task-draws")).to_contain_text(re.compile(r"D-\d{4}-\d{4}"))
    expect(phone.get_by_test_id("task-results").get_by_test_id("result").first).to_be_visible()
    assert _fits_the_screen(phone)


def test_the_results_list_filters_without_javascript(browser, server_url):
    context = browser.new_context(
        base_url=server_url, locale="zh-CN", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/public/")
        page.get_by_test_id("portal-nav").get_by_role("link", name="检查结果").click()
        expect(page.get_by_test_id("results").get_by_test_id("result").first).to_be_visible()
        page.get_by_label("检查机关").select_option("KJ")
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(re.compile(r"department=KJ"))
        expect(page.get_by_test_id("results").get_by_test_id("result").first).to_contain_text(
            "市科学技术局"
        )
        page.get_by_test_id("portal-nav").get_by_role("link", name="年度统计").click()
        expect(page.get_by_test_id("statistics-due")).to_contain_text("1月31日前公开")
        assert _fits_the_screen(page)
    finally:
        context.close()
