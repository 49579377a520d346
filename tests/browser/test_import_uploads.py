"""Imports in a real browser, against the real server: the upload runs in a background thread
there, as in production, and the job page follows it until it is done."""

import re
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect
from servers import log_in

from backend.accounts.roles import Role
from backend.codes import make_citizen_id, make_uscc
from demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser

# Long enough for a background import on a busy CI machine; the job takes well under a second.
FINISHED = 30_000


def _account(username: str):
    return next(a for a in DEMO_ACCOUNTS if a.username == username)


def _log_in(page, username: str) -> None:
    account = _account(username)
    log_in(page, account.username, account.password)
    expect(page.get_by_test_id("home-title")).to_be_visible()


def _xlsx(path, rows) -> str:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return str(path)


def _upload(page, path: str, mode: str) -> None:
    page.set_input_files("input[type=file]", path)
    page.get_by_label(mode).check()
    page.get_by_role("button", name="上传并导入").click()
    expect(page).to_have_url(re.compile(r"/imports/job/\d+/$"))


def test_a_department_administrator_imports_officers_past_a_bad_row(page, tmp_path):
    assert _account("kj_admin").role == Role.DEPARTMENT_ADMIN
    good_id = make_citizen_id(region="220102", birth=date(1992, 9, 17), seq="101")
    other_id = make_citizen_id(region="220104", birth=date(1993, 10, 21), seq="202")
    valid = make_citizen_id(region="220105", birth=date(1994, 11, 25), seq="303")
    bad_id = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # a wrong check character
    path = _xlsx(
        tmp_path / "新进人员.xlsx",
        [
            ["姓名", "公民身份号码", "人员类别", "证件号码", "证件类型", "发证机关", "执法领域",
             "有效期起", "有效期止"],
            ["浏览器甲", good_id, "行政执法类公务员", "22010029900001", "全国统一行政执法证",
             "长春市人民政府", "外国人来华工作许可", "2022-01-01", "2026-12-31"],
            ["浏览器乙", bad_id, "行政执法类公务员"],
            ["浏览器丙", other_id, "从事日常监管工作的人员"],
        ],
    )  # fmt: skip
    _log_in(page, "kj_admin")
    page.goto("/personnel/")
    page.get_by_role("link", name="批量导入").click()
    expect(page).to_have_url(re.compile(r"/imports/officers/$"))
    expect(page.get_by_role("heading", name="导入执法人员和执法证")).to_be_visible()

    _upload(page, path, "全部有效才导入")
    expect(page.get_by_test_id("job-status")).to_have_text("有错误，未导入", timeout=FINISHED)
    message = page.get_by_test_id("job-message")
    expect(message).to_contain_text("共 3 行，其中 1 行有错误")
    expect(message).to_contain_text("未导入任何数据")
    link = page.get_by_test_id("error-report-link")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "错误报告-新进人员.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    report = load_workbook(saved).active
    rows = list(report.iter_rows(values_only=True))
    assert rows[0][:4] == ("原行号", "错误说明", "姓名", "公民身份号码")
    assert len(rows) == 2
    number, explanation, name, citizen_id = rows[1][:4]
    assert (number, name, citizen_id) == (3, "浏览器乙", bad_id)
    assert "B 列“公民身份号码”" in explanation and "校验位错误" in explanation

    page.get_by_role("button", name="忽略错误行，只导入有效行").click()
    expect(page.get_by_test_id("job-status")).to_have_text("已完成", timeout=FINISHED)
    expect(page.get_by_test_id("job-message")).to_contain_text("导入完成：新增 2")

    page.goto("/personnel/?q=浏览器")
    officers = page.get_by_test_id("officers")
    expect(officers).to_contain_text("浏览器甲")
    expect(officers).to_contain_text("浏览器丙")
    expect(officers).not_to_contain_text("浏览器乙")


def test_a_planner_imports_firms_from_two_sheets_and_watches_the_job_finish(page, tmp_path):
    assert _account("kj_planner").role == Role.PLANNER
    header = ["统一社会信用代码", "名称", "行政区划代码"]
    workbook = Workbook()
    first = workbook.active
    first.title = "朝阳区"
    second = workbook.create_sheet("南关区")
    second.append(["南关区检查对象名录"])
    for sheet in (first, second):
        sheet.append(header)
    for number in range(1, 4):
        uscc = make_uscc(region="220104", org_body8=f"BT00000{number}")
        (first if number < 3 else second).append([uscc, f"浏览器测试{number}有限公司", "220104"])
    path = str(tmp_path / "firms.xlsx")
    workbook.save(path)
    _log_in(page, "kj_planner")
    page.goto("/imports/firms/")
    _upload(page, path, "全部有效才导入")
    expect(page.get_by_test_id("job-status")).to_have_text("已完成", timeout=FINISHED)
    expect(page.locator("[data-field=inserted]")).to_have_text("3")
    message = page.get_by_test_id("job-message")
    expect(message).to_contain_text("导入完成：新增 3")
    expect(message).to_contain_text("已读取 2 个工作表：“朝阳区”、“南关区”。")
    expect(message).to_contain_text("第 1 行“南关区检查对象名录”")
    expect(page.get_by_test_id("error-report-link")).to_be_visible()
