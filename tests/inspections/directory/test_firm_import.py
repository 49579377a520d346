"""Importing the directory from Excel: upsert by 统一社会信用代码, clear errors, nothing half
written, and a file exported from the directory imports back unchanged."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from backend.codes import make_uscc
from backend.imports.models import Mode, Status
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from inspections.directory import firm_import
from inspections.directory.bulk import insert_firms
from inspections.directory.exports import export_xlsx
from inspections.directory.models import Firm, FirmTag
from inspections.directory.synthetic import synthetic_firms

HEADER = [
    "统一社会信用代码",
    "名称",
    "行政区划代码",
    "行业代码",
    "成立日期",
    "信用风险分类",
    "标记",
    "标签",
]
A = make_uscc(region="220104", org_body8="10000001")
B = make_uscc(region="220102", org_body8="10000002", org_type="2")
C = make_uscc(region="220106", org_body8="10000003")


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(tmp_path, rows, *, mode=Mode.ALL_OR_NOTHING, dry_run=False, content=None):
    path = tmp_path / "firms.xlsx"
    path.write_bytes(content if content is not None else workbook_bytes(rows))
    job = create_command_job(kind="firms", path=str(path), mode=mode, dry_run=dry_run)
    return run_import(job, str(path))


def report(job):
    with job.error_report.open("rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    return {row[0]: row[1] for row in rows[1:]}


GOOD = [
    HEADER,
    [
        A,
        "长春华信汽车零部件有限公司",
        "220104",
        "C3670",
        date(2015, 3, 18),
        "C",
        "投诉举报",
        "外籍员工用人单位（外籍员工人数 3）",
    ],
    [B, "朝阳区老王饭店", "220102", "", "2019/6/1", "", "", ""],
    [C, "长春瑞祥软件有限公司", "220106", "6513", 42005, "A类", "", ""],
]


def test_a_good_file_is_imported_with_its_values_and_defaults(db, tmp_path):
    job = run(tmp_path, GOOD)
    assert job.status == Status.DONE, job.message
    assert (job.inserted, job.updated, job.unchanged, job.rejected) == (3, 0, 0, 0)
    a = Firm.objects.get(uscc=A)
    assert (a.name, a.region_code, a.industry_code, a.risk_class) == (
        "长春华信汽车零部件有限公司",
        "220104",
        "C3670",
        "C",
    )
    assert a.registered_on == date(2015, 3, 18)
    assert (a.complaints, a.abnormal_operation) == (True, False)
    assert a.target_type == "enterprise"
    assert FirmTag.objects.get(firm=a).detail == {"foreign_staff": 3}
    b = Firm.objects.get(uscc=B)
    assert b.target_type == "individual"  # from the code's second character
    assert (b.risk_class, b.status, b.registered_on) == ("B", "active", date(2019, 6, 1))
    c = Firm.objects.get(uscc=C)
    assert (c.industry_code, c.risk_class, c.registered_on) == ("I6513", "A", date(2015, 1, 1))


def test_importing_the_same_file_again_changes_nothing(db, tmp_path):
    run(tmp_path, GOOD)
    before = list(Firm.objects.order_by("id").values_list("uscc", "updated_at"))
    again = run(tmp_path, GOOD)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Firm.objects.order_by("id").values_list("uscc", "updated_at")) == before


def test_an_empty_cell_keeps_the_value_and_wu_clears_the_flags(db, tmp_path):
    run(tmp_path, GOOD)
    job = run(
        tmp_path, [HEADER, [A, "长春华信汽车零部件有限公司", "220104", "", "", "D", "无", ""]]
    )
    assert (job.inserted, job.updated, job.unchanged) == (0, 1, 0)
    a = Firm.objects.get(uscc=A)
    assert (a.industry_code, a.registered_on, a.risk_class) == ("C3670", date(2015, 3, 18), "D")
    assert a.complaints is False
    assert FirmTag.objects.filter(firm=a).count() == 1  # tags not listed are kept


def test_a_changed_tag_alone_counts_as_an_update(db, tmp_path):
    run(tmp_path, GOOD)
    row = list(GOOD[1])
    row[7] = "外籍员工用人单位（外籍员工人数 5）；重点企业"
    job = run(tmp_path, [HEADER, row])
    assert (job.updated, job.unchanged) == (1, 0)
    a = Firm.objects.get(uscc=A)
    assert dict(FirmTag.objects.filter(firm=a).values_list("name", "detail")) == {
        "外籍员工用人单位": {"foreign_staff": 5},
        "重点企业": {},
    }


def test_a_file_without_optional_columns_touches_only_what_it_has(db, tmp_path):
    run(tmp_path, GOOD)
    job = run(
        tmp_path, [["统一社会信用代码", "名称", "行政区划代码"], [A, "新名称有限公司", "220104"]]
    )
    assert job.updated == 1
    a = Firm.objects.get(uscc=A)
    assert (a.name, a.risk_class, a.complaints) == ("新名称有限公司", "C", True)


BAD = [
    HEADER,
    [A[:-1] + ("0" if A[-1] != "0" else "1"), "校验位错误公司", "220104", "", "", "", "", ""],
    [
        make_uscc(region="220104", org_body8="10000009"),
        "区划不存在公司",
        "229999",
        "",
        "",
        "",
        "",
        "",
    ],
    [911101085513850, "代码成了数字公司", "220104", "", "", "", "", ""],
    [C, "日期不对公司", "220106", "", "2021-02-30", "E", "黑名单", ""],
    [B, "朝阳区老王饭店", "220102", "", "", "", "", ""],
    [B, "重复代码饭店", "220102", "", "", "", "", ""],
]


def test_bad_rows_are_reported_and_all_or_nothing_imports_none(db, tmp_path):
    job = run(tmp_path, BAD)
    assert job.status == Status.REJECTED
    assert not Firm.objects.exists()
    errors = report(job)
    assert set(errors) == {2, 3, 4, 5, 7}
    assert "A 列“统一社会信用代码”" in errors[2] and "校验位" in errors[2]
    assert "C 列“行政区划代码”" in errors[3] and "不存在" in errors[3]
    assert "读成了数字" in errors[4]
    assert "E 列“成立日期”" in errors[5]
    assert "F 列“信用风险分类”" in errors[5]
    assert "G 列“标记”" in errors[5]
    assert "与第 6 行重复" in errors[7]


def test_valid_only_imports_the_one_good_row(db, tmp_path):
    job = run(tmp_path, BAD, mode=Mode.VALID_ONLY)
    assert job.status == Status.DONE
    assert (job.inserted, job.rejected) == (1, 5)
    assert list(Firm.objects.values_list("uscc", flat=True)) == [B]


def test_a_dry_run_counts_and_writes_nothing(db, tmp_path):
    job = run(tmp_path, GOOD, dry_run=True)
    assert (job.status, job.inserted) == (Status.DONE, 3)
    assert not Firm.objects.exists()


def test_a_crash_while_writing_leaves_the_directory_as_before(db, tmp_path, monkeypatch):
    run(tmp_path, GOOD)
    before = sorted(Firm.objects.values_list("uscc", "name", "risk_class"))
    original = firm_import.FirmImporter.apply

    def crash(self):
        original(self)  # everything written...
        raise RuntimeError("连接中断")  # ...and then the connection drops

    monkeypatch.setattr(firm_import.FirmImporter, "apply", crash)
    changed = [
        HEADER,
        [A, "改名公司", "220104", "", "", "D", "", ""],
        [make_uscc(region="220104", org_body8="10000077"), "新公司", "220104", "", "", "", "", ""],
    ]
    job = run(tmp_path, changed)
    assert job.status == Status.FAILED
    assert "已全部撤销" in job.message
    assert sorted(Firm.objects.values_list("uscc", "name", "risk_class")) == before


def test_a_file_exported_from_the_directory_imports_back_unchanged(db, tmp_path):
    insert_firms(synthetic_firms(300, seed=7))
    buffer = io.BytesIO()
    export_xlsx(Firm.objects.all(), buffer)
    job = run(tmp_path, None, content=buffer.getvalue())
    assert job.status == Status.DONE, job.message
    assert (job.inserted, job.updated, job.unchanged, job.rejected) == (0, 0, 300, 0)


def test_the_template_example_row_is_never_imported(db, tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("import_firms", template=str(path))
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet.append([A, "长春甲有限公司", "企业", "220104"])
    workbook.save(path)
    job = run(tmp_path, None, content=path.read_bytes())
    assert job.status == Status.DONE, job.message
    assert list(Firm.objects.values_list("uscc", flat=True)) == [A]
    assert "工作表“检查对象名录”已跳过模板中的示例行 1 行：第 2 行。" in job.message


def test_the_command_prints_the_summary(db, tmp_path, capsys):
    path = tmp_path / "firms.xlsx"
    path.write_bytes(workbook_bytes(GOOD))
    call_command("import_firms", str(path))
    assert "新增 3，更新 0，未变化 0，错误 0" in capsys.readouterr().out
    call_command("import_firms", str(path), dry_run=True)
    assert "试算完成（未写入）：新增 0，更新 0，未变化 3" in capsys.readouterr().out


def test_the_command_refuses_a_bad_file_with_the_reason(db, tmp_path):
    path = tmp_path / "firms.xlsx"
    path.write_bytes(b"this is not a spreadsheet")
    with pytest.raises(CommandError, match="不是 Excel 工作簿"):
        call_command("import_firms", str(path))


def test_csv_in_gbk_imports_too(db, tmp_path):
    content = f"统一社会信用代码,名称,行政区划代码\n{A},长春华信汽车零部件有限公司,220104\n"
    path = tmp_path / "firms.csv"
    path.write_bytes(content.encode("gbk"))
    job = create_command_job(kind="firms", path=str(path), mode=Mode.ALL_OR_NOTHING, dry_run=False)
    job = run_import(job, str(path))
    assert job.inserted == 1


@pytest.mark.parametrize(
    "value,expected",
    [
        ("外籍员工用人单位（外籍员工人数 12）", {"外籍员工用人单位": {"foreign_staff": 12}}),
        (
            "外籍员工用人单位(12人)；重点企业",
            {"外籍员工用人单位": {"foreign_staff": 12}, "重点企业": {}},
        ),
        ("", {}),
    ],
)
def test_tags_are_read_in_the_exports_own_wording(value, expected):
    assert firm_import.parse_tags(value) == expected


def test_a_formula_without_a_value_is_reported_not_imported(db, tmp_path):
    # A formula written by a program (not saved by Excel) has no cached value to read.
    job = run(tmp_path, [HEADER[:3], [A, '=CONCATENATE("长春","公司")', "220104"]])
    assert job.status == Status.REJECTED
    assert "公式" in report(job)[2]
    assert not Firm.objects.exists()


def test_a_sheet_with_many_formatted_empty_rows_imports_its_data_rows(db, tmp_path):
    from openpyxl.styles import PatternFill

    workbook = Workbook()
    sheet = workbook.active
    for row in GOOD[:2]:
        sheet.append(row)
    fill = PatternFill("solid", fgColor="FFFF00")
    for number in range(3, 50_003):
        sheet.cell(row=number, column=2).fill = fill
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run(tmp_path, None, content=buffer.getvalue())
    assert (job.status, job.total_rows, job.inserted) == (Status.DONE, 1, 1)
