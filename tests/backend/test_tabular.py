"""Reading users' spreadsheets: every bad file gets a clear Chinese message."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from backend.tabular import (
    CellError,
    Column,
    TableError,
    code_text,
    date_value,
    int_value,
    list_value,
    read_table,
    text,
    write_error_report,
    write_template,
)

COLUMNS = [
    Column("name", "名称", example="长春某某有限公司"),
    Column("code", "统一社会信用代码", aliases=("信用代码",), text=True),
    Column("since", "成立日期", required=False),
]


def xlsx(rows, *, merge=None, empty_formatted_rows=0) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    fill = PatternFill("solid", fgColor="FFFF00")
    for r in range(len(rows) + 1, len(rows) + 1 + empty_formatted_rows):
        sheet.cell(row=r, column=1).fill = fill
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def read(buffer, filename="firms.xlsx", columns=COLUMNS, **kwargs):
    table = read_table(buffer, filename=filename, columns=columns, **kwargs)
    return table, list(table.rows)


def test_rows_are_keyed_by_column_and_numbered_as_excel_shows_them():
    _, rows = read(
        xlsx(
            [
                ["名称", "统一社会信用代码", "成立日期"],
                ["甲", "91110108551385082Q", None],
                [None, None, None],
                ["乙", "X", "2021-06-01"],
            ]
        )
    )
    assert [(r.number, r.values["name"]) for r in rows] == [(2, "甲"), (4, "乙")]
    assert rows[1].values == {"name": "乙", "code": "X", "since": "2021-06-01"}


def test_headers_may_carry_stars_spaces_and_aliases_in_any_order():
    _, rows = read(xlsx([["信用代码", " *名称 "], ["C1", "甲"]]))
    assert rows[0].values["code"] == "C1"
    assert rows[0].values["name"] == "甲"


def test_a_missing_required_column_is_named():
    with pytest.raises(TableError) as error:
        read(xlsx([["名称", "地址"], ["甲", "某路"]]))
    assert error.value.code == "missing_columns"
    assert "缺少必填列：统一社会信用代码" in error.value.message
    assert "名称、地址" in error.value.message


def test_a_duplicate_header_is_refused():
    with pytest.raises(TableError, match="都是“名称”"):
        read(xlsx([["名称", "统一社会信用代码", "名称"]]))


def test_merged_header_cells_are_refused_with_their_address():
    with pytest.raises(TableError) as error:
        read(xlsx([["名称", None, "统一社会信用代码"], ["甲", None, "C"]], merge="A1:B1"))
    assert error.value.code == "merged_header"
    assert "A1:B1" in error.value.message


def test_a_file_renamed_to_xlsx_is_refused():
    with pytest.raises(TableError) as error:
        read(io.BytesIO(b"name,code\n\xe7\x94\xb2,1\n"), filename="firms.xlsx")
    assert error.value.code == "not_excel"
    assert "改了扩展名" in error.value.message


def test_a_damaged_xlsx_is_refused():
    with pytest.raises(TableError, match="无法读取该 Excel 文件"):
        read(io.BytesIO(b"PK\x03\x04" + b"\x00" * 100))


@pytest.mark.parametrize("content", [b"", b"  \n"])
def test_an_empty_file_is_refused(content):
    with pytest.raises(TableError, match="文件是空的"):
        read(io.BytesIO(content), filename="x.csv")


def test_an_unsupported_type_is_refused():
    with pytest.raises(TableError, match="不支持的文件类型"):
        read(io.BytesIO(b"x"), filename="firms.docx")


def test_a_file_over_the_limit_is_refused_before_parsing():
    with pytest.raises(TableError) as error:
        read(xlsx([["名称", "统一社会信用代码"]]), max_bytes=100)
    assert error.value.code == "too_large"


def test_thousands_of_formatted_empty_rows_are_not_data():
    _, rows = read(xlsx([["名称", "统一社会信用代码"], ["甲", "C1"]], empty_formatted_rows=20_000))
    assert len(rows) == 1


def test_csv_in_utf8_with_bom_and_in_gbk_both_read():
    content = "名称,统一社会信用代码\n甲公司,C1\n"
    for data in (b"\xef\xbb\xbf" + content.encode("utf-8"), content.encode("gbk")):
        _, rows = read(io.BytesIO(data), filename="firms.csv")
        assert rows[0].values == {"name": "甲公司", "code": "C1"}


def test_code_text_refuses_what_excel_turned_into_a_number():
    with pytest.raises(CellError, match="读成了数字"):
        code_text(911101085513850.0)
    with pytest.raises(CellError, match="科学计数法"):
        code_text("9.11101E+17")
    assert code_text(" 91110108551385082q ") == "91110108551385082Q"
    # A real code may hold an E between digits; only Excel's "E+" is scientific notation.
    assert code_text("9122010490E6197798") == "9122010490E6197798"
    assert code_text("９１１１") == "9111"  # full-width digits typed with a Chinese IME


@pytest.mark.parametrize(
    "value,expected",
    [
        (date(2021, 6, 1), date(2021, 6, 1)),
        (datetime(2021, 6, 1, 9, 30), date(2021, 6, 1)),
        (44348, date(2021, 6, 1)),  # Excel's serial number
        (44348.0, date(2021, 6, 1)),
        ("2021-06-01", date(2021, 6, 1)),
        ("2021/6/1", date(2021, 6, 1)),
        ("2021.6.1", date(2021, 6, 1)),
        ("2021年6月1日", date(2021, 6, 1)),
        ("20210601", date(2021, 6, 1)),
        ("2021-06-01 00:00:00", date(2021, 6, 1)),
    ],
)
def test_dates_are_read_in_every_form_excel_users_write_them(value, expected):
    assert date_value(value) == expected


@pytest.mark.parametrize("value", ["2021-02-30", "明天", 44348.5, "2021-13-01"])
def test_impossible_dates_are_refused(value):
    with pytest.raises(CellError):
        date_value(value)


def test_numbers_and_lists():
    assert int_value("1,200") == 1200
    assert int_value(3.0) == 3
    with pytest.raises(CellError, match="不是整数"):
        int_value("3.5")
    with pytest.raises(CellError, match="不能小于 0"):
        int_value(-1, minimum=0)
    assert list_value("外国人工作许可、出入境；劳动保障") == [
        "外国人工作许可",
        "出入境",
        "劳动保障",
    ]
    assert text(3.0) == "3"
    with pytest.raises(CellError, match="不能为空"):
        text("  ")


def test_the_template_has_headers_an_example_and_notes():
    buffer = io.BytesIO()
    write_template(buffer, columns=COLUMNS, sheet_title="检查对象", notes=["附加说明"])
    buffer.seek(0)
    workbook = load_workbook(buffer)
    sheet = workbook["检查对象"]
    assert [c.value for c in sheet[1]] == ["名称", "统一社会信用代码", "成立日期"]
    assert sheet["A2"].value == "长春某某有限公司"
    # Code columns are text as a whole, wherever people type.
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "General"
    notes = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert "统一社会信用代码" in notes
    assert "附加说明" in notes
    # And the template reads back as a valid table whose example row is not data.
    buffer.seek(0)
    table = read_table(buffer, filename="t.xlsx", columns=COLUMNS)
    assert list(table.rows) == []
    assert table.skipped_rows == [(2, "模板中的示例行")]


def test_the_template_lists_the_fixed_choices_and_explains_each_header():
    columns = [
        Column("name", "名称", note="全称"),
        Column("risk", "信用风险分类", required=False, choices=("A", "B", "C", "D")),
    ]
    buffer = io.BytesIO()
    write_template(buffer, columns=columns, sheet_title="名录")
    buffer.seek(0)
    validations = {
        str(v.sqref): v for v in load_workbook(buffer)["名录"].data_validations.dataValidation
    }
    assert (validations["A1"].promptTitle, validations["A1"].prompt) == ("名称", "必填；全称")
    assert validations["B1"].prompt == "选填"
    choices = validations["B2:B1048576"]
    assert (choices.type, choices.formula1, choices.allow_blank) == ("list", '"A,B,C,D"', True)
    assert choices.error == "只能填写：A / B / C / D"


def test_a_row_like_the_example_but_for_one_cell_is_data():
    _, rows = read(
        xlsx([["名称", "统一社会信用代码"], ["长春某某有限公司", "91110108551385082Q"]]),
        columns=[Column("name", "名称", example="长春某某有限公司"),
                 Column("code", "统一社会信用代码", example="91220104MA17XKQ648")],
    )  # fmt: skip
    assert [r.number for r in rows] == [2]


def test_the_error_report_keeps_the_original_row_and_says_what_is_wrong():
    buffer = io.BytesIO()
    write_error_report(
        buffer,
        headers=["名称", "统一社会信用代码"],
        rows=[(3, ["甲", "=HYPERLINK()"], "B 列“统一社会信用代码”：校验位错误")],
    )
    buffer.seek(0)
    rows = list(load_workbook(buffer).active.iter_rows(values_only=True))
    assert rows[0] == ("原行号", "错误说明", "名称", "统一社会信用代码")
    assert rows[1] == (3, "B 列“统一社会信用代码”：校验位错误", "甲", "'=HYPERLINK()")


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1e9, max_value=1e9))
def test_decimals_read_back_exactly(value):
    from backend.tabular import decimal_value

    assert decimal_value(str(value)) == Decimal(str(value))
