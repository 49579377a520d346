"""Importing the directory from files made the way offices make them: a title above the header,
any kind of bracket, columns of their own, totals rows, numbers for codes, several encodings.
Whatever is read differently is said on the job's page and in its report, never dropped unseen."""

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from backend.audit.models import AuditEvent
from backend.codes import make_uscc
from backend.imports.models import Status
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from inspections.directory.actions import DirectoryAction
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
    event = AuditEvent.objects.get(action=DirectoryAction.FIRM_IMPORT)
    assert event.detail["notes"] == [note]


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


# --- what loses nothing is accepted ------------------------------------------------------------


def test_a_region_code_stored_as_a_number_is_its_six_digits(db, tmp_path):
    content = workbook_bytes(
        [["统一社会信用代码", "名称", "行政区划代码", "行业代码"], [A, "甲", 220104, 3670]]
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    firm = Firm.objects.get(uscc=A)
    assert (firm.region_code, firm.industry_code) == ("220104", "C3670")


def test_codes_that_a_number_would_have_changed_are_still_refused(db, tmp_path):
    # 111 was 0111 (an agricultural division) before Excel dropped the zero; a USCC has letters
    # and 18 digits that a spreadsheet rounds.
    content = workbook_bytes(
        [
            ["统一社会信用代码", "名称", "行政区划代码", "行业代码"],
            [A, "甲", "220104", 111],
            [911101085513850821, "乙", "220102", ""],
        ]
    )
    job = run(tmp_path, content)
    assert job.status == Status.REJECTED
    errors = {row[0]: row[1] for row in report_sheets(job)["错误行"][1:]}
    assert "D 列“行业代码”：行业代码被 Excel 读成了数字（111" in errors[2]
    assert "A 列“统一社会信用代码”：统一社会信用代码被 Excel 读成了数字" in errors[3]


def test_choices_are_read_whatever_their_case_and_width(db, tmp_path):
    B2 = make_uscc(region="220104", org_body8="20000003")
    content = workbook_bytes(
        [
            ["统一社会信用代码", "名称", "行政区划代码", "信用风险分类"],
            [A, "甲", "220104", "b"],
            [B, "乙", "220102", "Ｃ"],
            [B2, "丙", "220104", "d类"],
        ]
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    assert {uscc: row[4] for uscc, row in imported().items()} == {A: "B", B: "C", B2: "D"}


def test_a_zero_width_space_inside_a_code_is_removed(db, tmp_path):
    content = workbook_bytes(
        [
            ["统一社会信用代码", "名称", "行政区划代码"],
            [A[:9] + "\u200b" + A[9:], "甲", "2201\u200c04"],
        ]
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    assert imported()[A][1] == "220104"


def test_totals_rows_are_skipped_and_reported(db, tmp_path):
    content = workbook_bytes(
        [
            ["统一社会信用代码", "名称", "行政区划代码"],
            [A, "甲", "220104"],
            ["小计", None, None],
            [B, "乙", "220102"],
            [None, "合 计：", "=COUNTA(A2:A4)"],
            ["总计", 2],
        ]
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    assert (job.total_rows, job.inserted, job.rejected) == (2, 2, 0)
    note = "工作表“Sheet”已跳过合计行 3 行：第 3、5、6 行。"
    assert note in job.message
    assert report_sheets(job)["导入说明"] == [(note,)]


ROWS = [["统一社会信用代码", "名称", "行政区划代码"], [A, "长春甲有限公司", "220104"]]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "name"),
    [
        ("utf-8", ",", "firms.csv"),
        ("utf-8-sig", ",", "firms.csv"),
        ("gbk", ",", "firms.csv"),
        ("gb18030", ",", "firms.csv"),
        ("utf-16", "\t", "firms.txt"),  # Excel's "Unicode 文本"
        ("utf-16", ",", "firms.csv"),
        ("utf-8", "\t", "firms.txt"),
    ],
)
def test_text_files_in_every_encoding_offices_save(db, tmp_path, encoding, delimiter, name):
    lines = ["名录（共 1 户）", *(delimiter.join(row) for row in ROWS)]
    content = "\r\n".join(lines).encode(encoding)
    job = run(tmp_path, content, name=name)
    assert job.status == Status.DONE, job.message
    assert imported() == {A: ("长春甲有限公司", "220104", "", "", "B")}
    assert "第 1 行“名录（共 1 户）”" in job.message


def test_an_ods_file_imports(db, tmp_path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="名录")
    for row in [["检查对象名录"], *ROWS]:
        table_row = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    job = run(tmp_path, buffer.getvalue(), name="firms.ods")
    assert job.status == Status.DONE, job.message
    assert imported() == {A: ("长春甲有限公司", "220104", "", "", "B")}
    assert "工作表“名录”的表头在第 2 行" in job.message


def test_an_xlsm_file_imports(db, tmp_path):
    job = run(tmp_path, workbook_bytes(ROWS), name="firms.xlsm")
    assert job.status == Status.DONE, job.message
    assert set(imported()) == {A}


# --- every sheet is accounted for --------------------------------------------------------------


def sheets_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


C = make_uscc(region="220106", org_body8="20000004")
HEADER = ["统一社会信用代码", "名称", "行政区划代码"]


def test_rows_on_every_sheet_with_a_header_are_imported(db, tmp_path):
    content = sheets_bytes(
        {
            "填报说明": [["填报说明"], ["1. 每个区一个工作表。"], ["2. 代码请填写 18 位。"]],
            "朝阳区": [HEADER, [A, "甲", "220104"]],
            "南关区": [
                ["南关区名录"],
                ["名称", "行政区划代码", "统一社会信用代码"],
                ["乙", "220102", B],
            ],
            "Sheet3": [],
        }
    )
    job = run(tmp_path, content)
    assert job.status == Status.DONE, job.message
    assert set(imported()) == {A, B}
    notes = [row[0] for row in report_sheets(job)["导入说明"]]
    assert notes == [
        "已读取 2 个工作表：“朝阳区”、“南关区”。",
        "工作表“南关区”的表头在第 2 行，其上方的标题行已跳过：第 1 行“南关区名录”。",
        "工作表“填报说明”没有可识别的表头，已跳过。",
        "工作表“Sheet3”是空的，已跳过。",
    ]
    assert job.message.startswith("导入完成：新增 2，更新 0，未变化 0，错误 0。 已读取 2 个工作表")


def test_an_error_names_its_sheet_row_and_column(db, tmp_path):
    content = sheets_bytes(
        {
            "朝阳区": [HEADER, [A, "甲", "220104"]],
            "南关区": [
                ["名称", "行政区划代码", "统一社会信用代码"],
                ["乙", "999999", B],
                ["丙", "220106", A],
            ],
        }
    )
    job = run(tmp_path, content)
    assert job.status == Status.REJECTED
    rows = report_sheets(job)["错误行"]
    assert rows[0] == ("原行号", "错误说明", *HEADER)
    # The later sheet's cells are put under the first sheet's headers.
    assert rows[1][0] == 2 and rows[1][2:] == (B, "乙", "999999")
    assert rows[1][1].startswith("工作表“南关区”B 列“行政区划代码”：")
    assert rows[2][:2] == (3, "工作表“南关区”与工作表“朝阳区”第 2 行重复")
    assert Firm.objects.count() == 0


def test_a_sheet_with_data_under_an_incomplete_header_refuses_the_file(db, tmp_path):
    content = sheets_bytes(
        {
            "朝阳区": [HEADER, [A, "甲", "220104"]],
            "南关区": [["信用代码", "单位", "行政区划代码"], [B, "乙", "220102"]],
        }
    )
    job = run(tmp_path, content)
    assert job.status == Status.REJECTED
    assert job.message.startswith("工作表“南关区”：有数据行，但表头不完整：缺少必填列：名称。")
    assert "未导入任何数据" in job.message
    assert Firm.objects.count() == 0


def test_a_workbook_without_any_header_names_the_first_sheet(db, tmp_path):
    content = sheets_bytes({"说明": [["请按模板填写"]], "数据": [["代码", "企业"], [A, "甲"]]})
    job = run(tmp_path, content)
    assert job.status == Status.REJECTED
    assert job.message.startswith(
        "工作表“说明”：缺少必填列：统一社会信用代码、名称、行政区划代码。"
    )


def test_errors_name_the_column_letter_excel_shows_when_column_a_is_empty(db, tmp_path):
    content = workbook_bytes([[None, *HEADER], [None, A, "甲", "2201"]])
    job = run(tmp_path, content)
    assert job.status == Status.REJECTED
    errors = report_sheets(job)["错误行"]
    assert errors[1][1].startswith("D 列“行政区划代码”：")


# --- files saved by LibreOffice (tests/fixtures/imports/README.md) -----------------------------

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


@pytest.mark.parametrize("name", ["firms-libreoffice.xls", "firms-libreoffice.xlsx"])
def test_a_workbook_saved_by_libreoffice_imports_every_sheet(db, tmp_path, name):
    job = run(tmp_path, (FIXTURES / name).read_bytes(), name=name)
    assert job.status == Status.DONE, job.message
    assert imported() == {
        "912201042000000139": ("长春甲有限公司", "220104", "人民大街1号", "", "B"),
        "912201022000000217": ("长春乙有限公司", "220102", "", "", "C"),
        "91220106200000048Q": ("长春丙有限公司", "220106", "南关路3号", "", "A"),
    }
    notes = [row[0] for row in report_sheets(job)["导入说明"]]
    assert notes == [
        "已读取 2 个工作表：“朝阳区”、“南关区”。",
        "工作表“朝阳区”的表头在第 2 行，其上方的标题行已跳过："
        "第 1 行“2026年度检查对象名录（朝阳区）”。",
        "工作表“朝阳区”已跳过合计行 1 行：第 5 行。",
        "工作表“填报说明”没有可识别的表头，已跳过。",
    ]
