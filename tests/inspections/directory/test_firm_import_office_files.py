"""Importing the directory from files made the way offices make them: a title above the header,
any kind of bracket, columns of their own, totals rows, numbers for codes, several encodings.
Whatever is read differently is said on the job's page and in its report, never dropped unseen."""

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from backend.codes import make_uscc
from backend.imports.models import Status
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from inspections.directory.models import Firm

A = make_uscc(region="220104", org_body8="20000001")
B = make_uscc(region="220102", org_body8="20000002")


def workbook_bytes(rows, *, merge=None) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    if merge:
        workbook.active.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(tmp_path, content, name="firms.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    job = create_command_job(kind="firms", path=str(path), mode="all_or_nothing", dry_run=False)
    return run_import(job, str(path))


def report_sheets(job) -> dict[str, list[tuple]]:
    with job.error_report.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def imported() -> dict[str, tuple]:
    return {
        f.uscc: (f.name, f.region_code, f.address, f.legal_representative, f.risk_class)
        for f in Firm.objects.all()
    }


# --- header finding ----------------------------------------------------------------------------


def test_title_rows_above_the_header_are_skipped_and_named(db, tmp_path):
    content = workbook_bytes(
        [
            ["2026年度朝阳区检查对象名录", None, None],
            ["填报单位：朝阳区市场监督管理局", None, None],
            [],
            ["统一社会信用代码", "名称", "行政区划代码"],
            [A, "长春甲有限公司", "220104"],
            [B, "长春乙有限公司", "220102"],
        ],
        merge="A1:C1",
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    assert set(imported()) == {A, B}
    note = (
        "工作表“Sheet”的表头在第 4 行，其上方的标题行已跳过：第 1 行“2026年度朝阳区检查对象名录”、"
        "第 2 行“填报单位：朝阳区市场监督管理局”。"
    )
    assert note in job.message
    assert report_sheets(job)["导入说明"] == [(note,)]


def test_an_error_names_the_row_excel_shows_under_a_title(db, tmp_path):
    content = workbook_bytes(
        [["检查对象名录"], ["统一社会信用代码", "名称", "行政区划代码"], [A, "", "220104"]]
    )
    job = run(tmp_path, content)
    assert job.status == Status.REJECTED
    errors = report_sheets(job)["错误行"]
    assert errors[1][:2] == (3, "B 列“名称”：不能为空（如果单元格里是公式，请改为直接填写数值）")


def test_headers_match_with_any_bracket_width_spaces_stars_and_breaks(db, tmp_path):
    content = workbook_bytes(
        [
            [
                "*统一社会信用代码（18位）",
                "名 称",
                "行政区划代码\n(6位)",
                "住所(经营场所)",
                "法定代表人【负责人】",
                "信用风险分类",
            ],
            [A, "长春甲有限公司", "220104", "人民大街1号", "王伟", "A"],
        ]
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    assert imported() == {A: ("长春甲有限公司", "220104", "人民大街1号", "王伟", "A")}
    assert "已忽略的列" not in job.message


def test_columns_that_match_nothing_are_named(db, tmp_path):
    content = workbook_bytes(
        [
            ["序号", "统一社会信用代码", "名称", "行政区划代码", "备注", "联系人电话"],
            [1, A, "长春甲有限公司", "220104", "新设立", "13900000000"],
        ]
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    assert set(imported()) == {A}
    note = "工作表“Sheet”已忽略的列：序号、备注、联系人电话（不是模板中的列，未导入）。"
    assert note in job.message
    assert note in [row[0] for row in report_sheets(job)["导入说明"]]


def test_a_header_further_down_than_ten_rows_is_not_found(db, tmp_path):
    content = workbook_bytes(
        [*[[f"说明 {n}"] for n in range(10)], ["统一社会信用代码", "名称", "行政区划代码"]]
    )
    job = run(tmp_path, content)
    assert job.status == Status.REJECTED
    assert "缺少必填列：统一社会信用代码、名称、行政区划代码" in job.message
    assert "在前 10 行中" in job.message


def test_the_header_itself_must_not_be_merged(db, tmp_path):
    content = workbook_bytes(
        [["名录"], ["统一社会信用代码", None, "行政区划代码"], [A, "甲", "220104"]],
        merge="A2:B2",
    )
    job = run(tmp_path, content)
    assert job.status == Status.REJECTED
    assert "表头（第 2 行）有合并单元格 A2:B2" in job.message


def test_synonyms_of_the_header_names_are_recognised(db, tmp_path):
    content = workbook_bytes(
        [["社会信用代码", "企业名称", "区划代码", "地址"], [A, "长春甲有限公司", "220104", "一号"]]
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    assert imported() == {A: ("长春甲有限公司", "220104", "一号", "", "B")}


def test_a_plain_file_has_no_notes(db, tmp_path):
    content = workbook_bytes(
        [
            ["统一社会信用代码", "名称", "行政区划代码", "成立日期"],
            [A, "甲", "220104", date(2015, 3, 18)],
        ]
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE
    assert job.message == "导入完成：新增 1，更新 0，未变化 0，错误 0。"
    assert not job.error_report
