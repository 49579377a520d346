"""From the 检查码 to the firm's rating, end to end on 375 px phones (issue 16, Tests): the
inspector shows a code that is valid today, the firm's phone reads its QR image and opens its
page, the team records the inspection (the arrival shows the firm verified the code), the
department head reviews and closes it, and the firm reads the rating link's QR code and rates
the inspection once.

This module runs its own server on its own copy of the demo. The demo's inspections lie in 2021,
so PREPARE opens a 个案 (case) task through the product's services for a window from today to the
end of the year, with two named officers whose certificates cover it, starts and approves it
(which gives its 检查码), and gives the two officers logins.
"""

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect
from servers import MANAGE, accept_dialog, demo_server, log_in

from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
OFFICERS = {"story_a": "Gushi-Jianchama-A1!", "story_b": "Gushi-Jianchama-B2!"}
PHONE = {"width": 375, "height": 740}

PREPARE = f"""
import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import create_user
from backend.organisation.models import Department
from fieldwork.services.approvals import approve_inspection
from inspections.directory.models import Firm, InspectionItemVersion, VersionStatus
from inspections.planning.models import AnnualPlan, PlanStatus
from inspections.planning.services import (
    approve_plan, generate_annual_plan, open_task, publish_plan, start_task, submit_plan,
)
from personnel.models import Certificate
from personnel.services import update_officer

today = timezone.localdate()
window_end = date(today.year, 12, 31)
kj = Department.objects.get(code="KJ")
planner = User.objects.get(username="kj_planner")
head = User.objects.get(username="kj_admin")

# A 个案 task is filed under the department's published plan of its year.
plan = AnnualPlan.objects.filter(
    department=kj, year=today.year, status=PlanStatus.PUBLISHED
).first()
if plan is None:
    plan = generate_annual_plan(actor=planner, department=kj, year=today.year)
    submit_plan(actor=planner, plan=plan)
    approve_plan(actor=head, plan=plan)
    publish_plan(actor=planner, plan=plan)

# Two of the bureau's officers whose certificates cover the whole window (the demo's validity
# dates are relative to today), who are inspectors or have no login yet.
certificates = [
    c
    for c in Certificate.objects.filter(officer__department=kj)
    .select_related("officer__user")
    .order_by("number")
    if c.covers_period(today, window_end)
    and (c.officer.user is None or c.officer.user.role == Role.INSPECTOR)
][:2]
task = open_task(
    actor=planner,
    plan=plan,
    name="外国人来华工作许可个案检查（投诉举报）",
    items=list(
        InspectionItemVersion.objects.filter(
            item__code="KJ-WGR-001", status=VersionStatus.PUBLISHED
        )
    ),
    window_start=today,
    window_end=window_end,
    seats={{kj: 2}},
    quotas={{}},
    inspection_type="case",
    case={{
        "trigger": "complaint",
        "reference": "12345-GUSHI-0001",
        "firm": Firm.objects.order_by("uscc").first(),
        "officers": [c.number for c in certificates],
    }},
)
task = start_task(actor=planner, task=task)
(inspection,) = task.inspections.all()
approve_inspection(actor=head, inspection=inspection)

for certificate, (username, password) in zip(certificates, {sorted(OFFICERS.items())!r}):
    officer = certificate.officer
    if officer.user is None:
        user = create_user(actor=None, username=username, password=password,
                           role=Role.INSPECTOR, department=kj, display_name=officer.name)
        update_officer(actor=None, officer=officer, user=user)
    else:
        user = officer.user
        user.username = username
        user.set_password(password)
        user.save(update_fields=["username", "password"])

Path(settings.VAR_DIR, "story.json").write_text(
    json.dumps({{
        "pk": inspection.pk,
        "code": inspection.code,
        "firm": inspection.firm_name,
        "officers": [c.officer.name for c in certificates],
    }})
)
"""

STORY: dict = {}


def _prepare(env: dict) -> None:
    subprocess.run([*MANAGE, "shell", "-c", PREPARE], env=env, check=True)
    STORY.update(json.loads((Path(env["VAR_DIR"]) / "story.json").read_text()))


@pytest.fixture(scope="module")
def server_url():
    """Like the shared server (tests/browser/conftest.py), on this module's own database."""
    with demo_server(_prepare) as url:
        yield url


def _fits(page) -> None:
    """The page fits the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _qr_text(locator) -> str:
    """What a camera reads from the QR image the page shows, rendered by the browser."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(locator.screenshot())))
    assert len(found) == 1
    return found[0].text


def _save(form):
    form.get_by_role("button").last.click()


def _stage(phone, anchor):
    return phone.get_by_test_id(f"form-{anchor}")


def _choose(form, question: str, answer: str) -> None:
    form.locator("fieldset", has_text=question).get_by_label(answer, exact=True).check()


def test_the_firm_verifies_a_valid_code_and_rates_the_closed_inspection(phone, browser, server_url):
    code, pk = STORY["code"], STORY["pk"]
    inspection_url = f"/field/inspections/{pk}/"

    # --- 亮码: the inspector opens today's inspection and shows its code full screen.
    log_in(phone, "story_a", OFFICERS["story_a"])
    expect(phone.get_by_test_id("home-title")).to_have_text("我的今日检查")
    card = phone.get_by_test_id(f"inspection-{code}")
    expect(card).to_contain_text(STORY["firm"])
    _fits(phone)
    card.get_by_role("link").last.click()
    expect(phone.get_by_test_id("checklist")).to_be_visible()
    expect(phone.get_by_test_id("inspection-type")).to_contain_text("个案检查")
    expect(phone.get_by_test_id("approval-state")).to_contain_text("已审批")
    arrival_stage = phone.get_by_test_id("stage-arrival")
    expect(arrival_stage).to_contain_text("检查对象尚未扫码核验检查码")
    _fits(phone)
    phone.get_by_test_id("code-link").click()
    expect(phone.get_by_test_id("code-qr").locator("svg")).to_be_visible()
    expect(phone.get_by_test_id("code-text")).to_have_text(re.compile(r"^JC-\d{4}-\d{6}$"))
    shown_code = phone.get_by_test_id("code-text").inner_text()
    expect(phone.get_by_test_id("code-status")).to_have_text("有效")
    _fits(phone)
    code_url = _qr_text(phone.get_by_test_id("code-qr"))
    assert code_url.startswith(server_url) and "/public/jc/" in code_url

    # --- The firm (a second phone, not logged in) opens the decoded URL: valid, and logged.
    firm = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    try:
        firm_page = firm.new_page()
        firm_page.on("dialog", accept_dialog)
        firm_page.goto(code_url)
        expect(firm_page.get_by_test_id("code-status")).to_have_text("✔ 检查码有效")
        expect(firm_page.get_by_test_id("code-text")).to_have_text(shown_code)
        expect(firm_page.get_by_test_id("code-type")).to_have_text("个案检查")
        expect(firm_page.get_by_test_id("code-scan-recorded")).to_contain_text("本次核验已于")
        expect(firm_page.get_by_test_id("code-advice")).to_have_count(0)
        for name in STORY["officers"]:
            expect(firm_page.get_by_test_id("code-officers")).to_contain_text(name)
        _fits(firm_page)

        # --- Back on the inspector's phone: the arrival stage shows the firm's scan.
        phone.goto(inspection_url)
        expect(arrival_stage).to_contain_text(
            re.compile(r"检查对象已于\d{4}-\d{2}-\d{2} \d{2}:\d{2}扫码核验检查码")
        )
        records = phone.get_by_test_id("timeline").locator("li.entry")
        expect(records).to_have_count(2)  # the approval, the firm's scan
        expect(records.last).to_contain_text("检查对象（扫码核验）")
        sequence = 2

        def recorded(what):
            # Each save reloads the page, which names the record by its number: wait for it.
            nonlocal sequence
            sequence += 1
            expect(
                phone.get_by_text(re.compile(f"已记录：{what}（第{sequence}条记录）"))
            ).to_be_visible()

        _save(_stage(phone, "stage-notice"))
        recorded("送达.*通知书")

        # Arrival: the firm verified the code, so no reason for an unverified code is needed.
        arrival = _stage(phone, "stage-arrival")
        for box in arrival.locator("input[name=officers_present]").all():
            box.check()
        arrival.get_by_text("已向检查对象出示执法证件", exact=True).click()
        # The item may be checked off site (书面检查): a visit on a complaint says why.
        arrival.get_by_label("入企现场检查的理由").fill(
            "投诉反映该单位有未经许可工作的外国人，须现场核实"
        )
        arrival.get_by_label("地点").fill("长春市朝阳区红旗街88号")
        _save(arrival)
        recorded("到达现场、出示执法证件")
        expect(arrival_stage).to_contain_text("检查对象已扫码核验检查码（第2条记录）")
        _fits(phone)

        points = phone.locator("li[data-testid^=stage-findings-]").count()
        assert points >= 1
        for _ in range(points):
            _save(phone.locator("li[data-testid^=stage-findings-] details[open] form").first)
            recorded("检查要点记录")

        result = _stage(phone, "stage-result")
        result.get_by_text("未发现问题", exact=True).click()
        _save(result)
        recorded("检查结果")

        opinion = _stage(phone, "stage-firm-opinion")
        opinion.get_by_label("检查对象意见", exact=True).fill("无异议")
        opinion.get_by_text("检查对象已签名", exact=True).click()
        opinion.get_by_label("签名人").fill("王经理")
        _save(opinion)
        recorded("检查对象意见及签名")

        signatures = _stage(phone, "stage-signatures")
        for box in signatures.locator("input[name=signed_by]").all():
            box.check()
        _save(signatures)
        recorded("执法人员签名")

        expect(phone.get_by_test_id("missing")).to_have_text("各环节均已记录，可以提交审核。")
        _stage(phone, "stage-submit").get_by_role("button", name="提交审核").click()
        recorded("提交审核")
        expect(phone.get_by_test_id("inspection-state")).to_have_text("待审核")
        _fits(phone)

        # --- The department head reviews (同意), records 无需后续处置 and closes (办结).
        head = browser.new_context(base_url=server_url, locale="zh-CN")
        try:
            desk = head.new_page()
            desk.on("dialog", accept_dialog)
            log_in(desk, "kj_admin", PASSWORDS["kj_admin"])
            desk.goto("/field/review/")
            card = desk.get_by_test_id(f"review-{code}")
            card.get_by_label("同意", exact=True).check()
            card.get_by_test_id("review-submit").click()
            expect(desk.get_by_text(f"检查{code}：同意（第{sequence + 1}条记录）")).to_be_visible()
            desk.goto(inspection_url)
            expect(desk.get_by_test_id("inspection-state")).to_have_text("结果已审核")
            desk.get_by_test_id("followups-link").click()
            expect(desk.get_by_test_id("close")).to_contain_text("尚未登记后续处置")
            opening = desk.get_by_test_id("open-form")
            opening.get_by_label("处置方式").select_option(label="无需后续处置")
            opening.get_by_role("button", name="登记").click()
            expect(desk.get_by_text("已登记后续处置")).to_be_visible()
            desk.get_by_test_id("close").get_by_role("button", name="办结本次检查").click()
            expect(desk.get_by_text("检查已办结")).to_be_visible()
            expect(desk.get_by_test_id("inspection-state")).to_have_text("已办结")

            # The closing page shows the firm's rating link with its QR code.
            section = desk.get_by_test_id("rating-link-section")
            expect(section.get_by_role("img", name="企业评价二维码")).to_be_visible()
            section.get_by_test_id("rating-link-page").click()
            expect(desk).to_have_url(re.compile(rf"/ratings/link/{pk}/$"))
            expect(desk.get_by_test_id("rating-qr").locator("svg")).to_be_visible()
            rating_url = _qr_text(desk.get_by_test_id("rating-qr"))
            expect(desk.get_by_test_id("rating-url")).to_have_text(rating_url)
            assert rating_url.startswith(server_url) and "/public/pj/" in rating_url
        finally:
            head.close()

        # --- The closed inspection's code now says so on the firm's phone.
        firm_page.goto(code_url)
        expect(firm_page.get_by_test_id("code-status")).to_have_text("✘ 检查码无效：检查已办结")

        # --- The firm rates: the link opened twice (two tabs), submitted from the first.
        firm_page.goto(rating_url)
        second_tab = firm.new_page()
        second_tab.on("dialog", accept_dialog)
        second_tab.goto(rating_url)
        form = firm_page.get_by_test_id("rating-form")
        expect(form).to_be_visible()
        _fits(firm_page)
        _choose(form, "总体评价", "5分")
        _choose(form, "检查人员是否出示执法证件", "是")
        _choose(form, "是否告知你单位的权利", "是")
        _choose(form, "检查用时", "1小时以内")
        _choose(form, "索拿卡要（索要财物", "否")
        form.get_by_role("button", name="提交评价").click()
        expect(firm_page.get_by_test_id("rating-thanks")).to_contain_text(
            "评价已提交，感谢您的反馈"
        )
        _fits(firm_page)

        # A second submission, from the tab opened before, is refused; the link is spent.
        again = second_tab.get_by_test_id("rating-form")
        _choose(again, "总体评价", "1分")
        _choose(again, "检查人员是否出示执法证件", "否")
        _choose(again, "是否告知你单位的权利", "否")
        _choose(again, "检查用时", "超过1天")
        _choose(again, "索拿卡要（索要财物", "否")
        again.get_by_role("button", name="提交评价").click()
        expect(second_tab.get_by_test_id("rating-errors")).to_have_text(
            "本次检查已经评价过，每次检查只能评价一次，不能重复提交"
        )
        _fits(second_tab)
        firm_page.goto(rating_url)  # opened again later: the used link reads as spent
        expect(firm_page.get_by_test_id("rating-invalid")).to_contain_text("链接无效或已过期")
    finally:
        firm.close()
