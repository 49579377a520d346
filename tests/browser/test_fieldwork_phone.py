"""An inspector's phone, in a real browser: the planner starts the demo's one-department task,
an inspector completes an inspection on a phone-sized screen with a photo, and a stage saved
while the phone is offline is kept on the device and recorded once when it is back online; the
inspector shows the 检查码 full screen and a second phone reads its QR image and opens its page.

This module runs its own server on its own copy of the demo: it draws and starts this year's
ordinary task (T-<year>-008), which the other browser tests read as the demo leaves it (a draft).
"""

import base64
import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from servers import MANAGE, accept_dialog, demo_server, log_in

from demo.accounts import DEMO_ACCOUNTS
from demo.plans import ordinary_task_code

pytestmark = pytest.mark.browser

TASK = ordinary_task_code()
PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
# A second inspector, for the other inspection of the task (created by PREPARE).
PHONE_USER, PHONE_PASSWORD = "field_phone_b", "Xianchang-2021-Phone!"

# Draw the one-department task's firms and teams (fixed witness values), then seat the demo
# inspector on the first inspection's team and a second login on the second's: the draw is
# random, so whom it seats is only known afterwards.
PREPARE = f"""
from datetime import date, timedelta

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import create_user
from inspections.planning.models import SamplingTask, TaskStatus
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw
from inspections.draws.teams import effective_teams
from personnel.models import Certificate, Officer
from personnel.services import renew_certificate, update_officer

task = SamplingTask.objects.get(code="{TASK}")
planner = User.objects.get(username="kj_planner")
if task.status == TaskStatus.DRAFT:
    perform_draw(actor=planner, draw=announce_firms_draw(actor=planner, task=task),
                 witness_values=["20211008-1"])
    task.refresh_from_db()
    perform_draw(actor=planner, draw=announce_teams_draw(actor=planner, task=task),
                 witness_values=["20211008-2"])
teams = effective_teams(task)
first, second = (teams[uscc] for uscc in sorted(teams)[:2])

def officer(seat):
    return Certificate.objects.get(number=seat.certificate_number).officer

# The draw may seat a certificate that has expired since it was issued (the demo has one); the
# phone records today, when every officer present must hold a valid one.
today = date.today()
for seat in (*first, *second):
    certificate = Certificate.objects.get(number=seat.certificate_number)
    if not certificate.is_valid_on(today):
        renew_certificate(actor=None, certificate=certificate, valid_to=today + timedelta(days=365),
                          reason="延续执法证有效期（手机端浏览器测试）")

demo = User.objects.get(username="kj_inspector")
if not any(officer(s).user_id == demo.pk for s in first):
    pick = officer(first[0])
    for current in Officer.objects.filter(user=demo):
        update_officer(actor=None, officer=current, user=None)
    if pick.user_id is not None:
        update_officer(actor=None, officer=pick, user=None)
    update_officer(actor=None, officer=pick, user=demo)
other = next(officer(s) for s in second if officer(s).user_id != demo.pk)
if other.user_id is None:
    user = create_user(actor=None, username="{PHONE_USER}", password="{PHONE_PASSWORD}",
                       role=Role.INSPECTOR, department=other.department, display_name=other.name)
    update_officer(actor=None, officer=other, user=user)
else:
    user = other.user
    user.username = "{PHONE_USER}"
    user.set_password("{PHONE_PASSWORD}")
    user.save(update_fields=["username", "password"])
"""


def _prepare(env: dict) -> None:
    subprocess.run([*MANAGE, "shell", "-c", PREPARE], env=env, check=True)


@pytest.fixture(scope="module")
def server_url():
    """Like the shared server (tests/browser/conftest.py), on this module's own database."""
    with demo_server(_prepare) as url:
        yield url


def _log_in(page, username, password):
    log_in(page, username, password)


@pytest.fixture(scope="module")
def started(browser, server_url):
    """The planner starts the task's fieldwork from its page (开始实施), in the browser."""
    context = browser.new_context(base_url=server_url, locale="zh-CN")
    page = context.new_page()
    page.on("dialog", accept_dialog)
    _log_in(page, "kj_planner", PASSWORDS["kj_planner"])
    page.goto("/tasks/")
    page.get_by_role("link", name=re.compile(TASK)).first.click()
    page.get_by_test_id("fieldwork-link").click()
    page.get_by_test_id("start-fieldwork").click()
    expect(page.get_by_text("开始实施，已建立 2 项检查")).to_be_visible()
    rows = page.get_by_test_id("task-inspections").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("待检查")
    context.close()
    # 行政检查审批: the head approves both from the list before the team may start.
    context = browser.new_context(base_url=server_url, locale="zh-CN")
    page = context.new_page()
    page.on("dialog", accept_dialog)
    _log_in(page, "kj_admin", PASSWORDS["kj_admin"])
    page.goto(f"/field/approvals/?q={TASK}")
    waiting = page.get_by_test_id("to-approve").locator("li.card")
    expect(waiting).to_have_count(2)
    for _ in range(2):
        page.get_by_test_id("to-approve").locator("button[data-testid^=approve-]").first.click()
        expect(page.get_by_text("同意实施（第1条记录）")).to_be_visible()
        page.goto(f"/field/approvals/?q={TASK}")
    expect(page.get_by_text("没有待审批的检查")).to_be_visible()
    context.close()
    return server_url


def _open_inspection(phone, code):
    phone.get_by_test_id(f"inspection-{code}").get_by_role("link").last.click()
    expect(phone.get_by_test_id("checklist")).to_be_visible()


def _save(form):
    form.get_by_role("button").last.click()


def _stage(phone, anchor):
    return phone.get_by_test_id(f"form-{anchor}")


def _records(phone):
    return phone.get_by_test_id("timeline").locator("li.entry")


def _jpeg(phone) -> bytes:
    """A real JPEG, as a phone's camera would hand it over: drawn and encoded by the browser."""
    data_url = phone.evaluate(
        """() => {
            const c = document.createElement("canvas");
            c.width = 64; c.height = 48;
            const g = c.getContext("2d");
            g.fillStyle = "#1d4f91"; g.fillRect(0, 0, 64, 48);
            g.fillStyle = "#fff"; g.fillRect(8, 8, 24, 16);
            return c.toDataURL("image/jpeg", 0.9);
        }"""
    )
    return base64.b64decode(data_url.split(",", 1)[1])


def test_an_inspector_completes_an_inspection_on_a_phone_with_a_photo(phone, started):
    _log_in(phone, "kj_inspector", PASSWORDS["kj_inspector"])
    expect(phone).to_have_url(re.compile(r"/field/$"))
    expect(phone.get_by_test_id("home-title")).to_have_text("我的今日检查")
    code = f"{TASK}-001"
    card = phone.get_by_test_id(f"inspection-{code}")
    expect(card).to_contain_text("尚未送达随机抽查通知书")
    # The page fits the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _open_inspection(phone, code)
    sequence = 1  # the head's approval (行政检查审批) is the first record

    def recorded(what):
        # Each save reloads the page, which names the record by its number: wait for it.
        nonlocal sequence
        sequence += 1
        expect(phone.get_by_text(f"已记录：{what}（第{sequence}条记录）")).to_be_visible()

    # The notice: printable from the page, then served (date and manner prefilled).
    expect(phone.get_by_test_id("notice-link")).to_be_visible()
    notice = _stage(phone, "stage-notice")
    expect(notice).to_be_visible()
    _save(notice)
    recorded("送达随机抽查通知书")

    # Arrival: every team member present, certificates shown, the place.
    arrival = _stage(phone, "stage-arrival")
    for box in arrival.locator("input[name=officers_present]").all():
        box.check()
    arrival.get_by_text("已向检查对象出示执法证件", exact=True).click()
    # The firm did not scan the 检查码 here: the arrival says why.
    arrival.get_by_label("检查对象未扫码核验检查码的原因").fill("检查对象手机无法联网")
    # The item allows 书面检查 too: a visit says why it cannot be done on paper (非现场优先).
    arrival.get_by_label("入企现场检查的理由").fill("需现场核对外籍员工在岗情况")
    arrival.get_by_label("地点").fill("长春市朝阳区红旗街88号")
    _save(arrival)
    recorded("到达现场、出示执法证件")

    # Every check point: the first stage still to do opens by itself.
    points = phone.locator("li[data-testid^=stage-findings-]").count()
    assert points >= 2
    for n in range(points):
        form = phone.locator("li[data-testid^=stage-findings-] details[open] form").first
        if n == 0:
            form.get_by_text("发现问题", exact=True).click()
            form.get_by_label("情况说明（发现的问题，或未检查的原因）").fill(
                "一名外籍员工的工作岗位变更未按时办理"
            )
            form.get_by_label("处理情况").fill("当场责令十日内办理变更")
        _save(form)
        recorded("检查要点记录")

    # A photo straight from the camera input.
    photo_form = phone.get_by_test_id("photo-form")
    camera = photo_form.locator("input[type=file]")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(
        {"name": "现场照片.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(phone)}
    )
    photo_form.locator("select[name=documents]").select_option(label="第3条 到达现场、出示执法证件")
    photo_form.get_by_test_id("photo-submit").click()
    sequence += 1
    expect(phone.get_by_text("已上传照片“现场照片.jpg”")).to_be_visible()
    expect(phone.get_by_test_id("evidence-list")).to_contain_text("现场照片.jpg")
    expect(phone.get_by_test_id("evidence-list")).to_contain_text("证明第3条记录")

    # The result: the official wording, multi-select.
    result = _stage(phone, "stage-result")
    result.get_by_text("发现问题已责令改正", exact=True).click()
    _save(result)
    recorded("检查结果")
    expect(phone.get_by_test_id("inspection-result")).to_have_text("发现问题已责令改正")

    opinion = _stage(phone, "stage-firm-opinion")
    opinion.get_by_label("检查对象意见", exact=True).fill("无异议，按期改正")
    opinion.get_by_text("检查对象已签名", exact=True).click()
    opinion.get_by_label("签名人").fill("王经理")
    _save(opinion)
    recorded("检查对象意见及签名")

    expect(phone.get_by_test_id("missing")).to_contain_text("尚未记录执法人员签名")
    signatures = _stage(phone, "stage-signatures")
    for box in signatures.locator("input[name=signed_by]").all():
        box.check()
    _save(signatures)
    recorded("执法人员签名")

    # Nothing missing any more, said right above the submit button.
    expect(phone.get_by_test_id("missing")).to_have_text("各环节均已记录，可以提交审核。")
    # The demo's ordinary task runs from the day it is seeded: no window warning, and no reason
    # is asked for (the late path is tested in tests/fieldwork/test_inspection_window.py).
    expect(phone.get_by_test_id("submit-window-warning")).to_have_count(0)
    _stage(phone, "stage-submit").get_by_role("button", name="提交审核").click()
    recorded("提交审核")
    expect(phone.get_by_test_id("inspection-state")).to_have_text("待审核")
    expect(_records(phone)).to_have_count(sequence)
    expect(_records(phone).filter(has_text="证据材料")).to_have_count(1)

    # Back on the list, the submitted inspection is no longer among today's.
    phone.goto("/field/")
    expect(phone.get_by_test_id(f"inspection-{code}")).to_have_count(0)


def test_a_stage_saved_offline_is_recorded_once_when_the_phone_is_back_online(phone, started):
    _log_in(phone, PHONE_USER, PHONE_PASSWORD)
    _open_inspection(phone, f"{TASK}-002")
    expect(_records(phone)).to_have_count(1)  # the approval
    notice = phone.get_by_test_id("draft-notice")
    expect(notice).to_be_hidden()

    phone.context.set_offline(True)
    _save(_stage(phone, "stage-notice"))
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("草稿已保存在本机，联网后自动提交")
    kept = phone.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('fieldwork-draft:')).length"
    )
    assert kept == 1

    phone.context.set_offline(False)
    # Back online, the draft goes by itself and the page shows the record: once.
    expect(_records(phone)).to_have_count(2, timeout=45_000)
    expect(_records(phone).last).to_contain_text("送达随机抽查通知书")
    expect(notice).to_be_hidden()
    assert (
        phone.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('fieldwork-draft:')).length"
        )
        == 0
    )

    # The connection drops after the server recorded the arrival but before the phone heard
    # back: the retry with the same key gets the record already made, not a second one.
    arrival = _stage(phone, "stage-arrival")
    for box in arrival.locator("input[name=officers_present]").all():
        box.check()
    arrival.get_by_text("已向检查对象出示执法证件").click()
    arrival.get_by_label("检查对象未扫码核验检查码的原因").fill("检查对象手机无法联网")
    arrival.get_by_label("入企现场检查的理由").fill("需现场核对外籍员工在岗情况")

    def lose_the_answer(route):
        route.fetch()  # the server records it
        route.abort("internetdisconnected")

    stage_url = re.compile(r"/field/inspections/\d+/stages/arrival/$")
    phone.route(stage_url, lose_the_answer)
    _save(arrival)
    expect(notice).to_be_visible()
    phone.unroute(stage_url)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(_records(phone)).to_have_count(3, timeout=45_000)
    expect(_records(phone).filter(has_text="到达现场、出示执法证件")).to_have_count(1)
    phone.reload()
    expect(_records(phone)).to_have_count(3)
    expect(phone.get_by_test_id("inspection-state")).to_have_text("检查中")

    # 其余要点均未发现问题 asks first (it cannot be taken back): declined, nothing is sent or
    # kept; accepted, the drafts script sends it and every point is recorded once.
    points = phone.locator("li[data-testid^=stage-findings-]").count()
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    phone.remove_listener("dialog", accept_dialog)
    phone.once("dialog", lambda d: answer(d, False))
    phone.get_by_test_id("remaining-clear-submit").click()
    assert questions and "不能" in questions[0]
    phone.reload()
    expect(_records(phone)).to_have_count(3)
    assert (
        phone.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('fieldwork-draft:')).length"
        )
        == 0
    )
    phone.once("dialog", lambda d: answer(d, True))
    phone.get_by_test_id("remaining-clear-submit").click()
    expect(phone.get_by_text(f"已记录：其余{points}个检查要点均未发现问题")).to_be_visible()
    expect(_records(phone)).to_have_count(3 + points)
    assert len(questions) == 2


def test_the_inspector_shows_the_code_and_a_second_phone_scans_it(phone, started, browser):
    """亮码: the code fills the inspector's screen; the firm's phone reads the QR image and opens
    its URL. The task's window runs from the day the demo is seeded, so the firm is told the code
    is valid, with the inspection's window."""
    import io

    import zxingcpp
    from PIL import Image

    # The second inspection, still on its inspector's list (检查中) after the test above.
    _log_in(phone, PHONE_USER, PHONE_PASSWORD)
    _open_inspection(phone, f"{TASK}-002")
    phone.get_by_test_id("code-link").click()
    expect(phone.get_by_test_id("code-qr").locator("svg")).to_be_visible()
    expect(phone.get_by_test_id("code-text")).to_have_text(re.compile(r"^JC-\d{4}-\d{6}$"))
    expect(phone.get_by_test_id("code-status")).to_have_text("有效")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # What the firm's camera reads: the image the page shows, rendered by the browser.
    shot = phone.get_by_test_id("code-qr").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert len(found) == 1 and "/public/jc/" in found[0].text

    firm = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740})
    try:
        page = firm.new_page()
        page.on("dialog", accept_dialog)
        page.goto(found[0].text)
        expect(page.get_by_test_id("code-status")).to_have_text("✔ 检查码有效")
        code = phone.get_by_test_id("code-text").inner_text()
        expect(page.get_by_test_id("code-text")).to_have_text(code)
        opened = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the window opens on seeding day
        expect(page.get_by_test_id("code-window")).to_contain_text(
            f"{opened.year}年{opened.month}月{opened.day}日 至"
        )
    finally:
        firm.close()
