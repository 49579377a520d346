"""Reading the spreadsheets users bring, and writing the ones they take away.

Plain Python, no Django: the readers turn an .xlsx, .xls or .csv file into numbered rows keyed by
column, and say in Chinese exactly what is wrong with a file that cannot be read. Cell parsers
turn what Excel stored (numbers for dates, floats for digits, text with stray spaces) into clean
values or a message naming the problem.

.xlsx is read with python-calamine (about ten times openpyxl's read-only mode, see
../shared/baselines.md); openpyxl writes the templates and reports, which need styles.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from backend.text import join_first, strip_invisible
from backend.workbook_checks import WorkbookLimits, WorkbookRefused, check_workbook

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Excel's "Unicode 文本" is UTF-16 with tabs, saved as .txt.
TEXT_SUFFIXES = (".csv", ".txt")
SUPPORTED_SUFFIXES = (*EXCEL_SUFFIXES, *TEXT_SUFFIXES)
ERROR_COLUMN = "错误说明"
NOTES_SHEET = "导入说明"


class TableError(ValueError):
    """The file as a whole cannot be used: not a spreadsheet, empty, wrong columns."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class CellError(ValueError):
    """One cell's value is unusable; the message says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    aliases: tuple[str, ...] = ()
    note: str = ""
    example: Any = ""
    # Text columns whose digits matter (codes, ID numbers): the template formats them as text so
    # that Excel does not turn 18 digits into 9.11E+17.
    text: bool = False
    width: int = 16
    # The fixed values a cell may take (labels): the template offers them as a drop-down list.
    choices: tuple[str, ...] = ()


@dataclass(slots=True)
class SourceRow:
    number: int  # the row number Excel shows, header = 1
    values: dict[str, Any]
    raw: list[Any] = field(repr=False)
    sheet: Table | None = field(default=None, repr=False)  # the sheet's table it came from


@dataclass
class Table:
    headers: list[str]  # the file's own header cells, in order, for the error report
    column_index: dict[str, int]  # column key -> position in the file
    rows: Iterator[SourceRow]
    sheet_name: str = ""
    header_row: int = 1  # the row number Excel shows for the header
    # Where the sheet's first used column is: calamine's rows start there.
    column_offset: int = 0
    title_rows: list[tuple[int, str]] = field(default_factory=list)  # above the header
    ignored_columns: list[str] = field(default_factory=list)  # headers that matched no column
    # (row number, why): filled while `rows` is read.
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)
    # A workbook: the sheets read after this one, and (sheet name, why) for those not read; both
    # filled while `rows` is read, which runs over every sheet read.
    more_sheets: list[Table] = field(default_factory=list)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)
    several_sheets: bool = False  # the workbook has more than one sheet: messages name them

    def letter(self, position: int) -> str:
        """The column letter Excel shows for a position in the rows."""
        return _letter(position + self.column_offset)

    def notes(self) -> list[str]:
        """What was read differently from a plain table, in Chinese, one sentence each; call
        after the rows were read."""
        notes = self._sheet_notes()
        for sheet in self.more_sheets:
            notes.extend(sheet._sheet_notes())
        if self.more_sheets:
            names = "、".join(f"“{t.sheet_name}”" for t in [self, *self.more_sheets])
            notes.insert(0, f"已读取 {1 + len(self.more_sheets)} 个工作表：{names}。")
        for name, why in self.skipped_sheets:
            notes.append(f"工作表“{name}”{why}，已跳过。")
        return notes

    def where(self) -> str:
        """How a message names this sheet: empty unless the workbook has several."""
        return f"工作表“{self.sheet_name}”" if self.several_sheets else ""

    def _sheet_notes(self) -> list[str]:
        where = f"工作表“{self.sheet_name}”" if self.sheet_name else "文件"
        notes = []
        if self.title_rows:
            titles = "、".join(f"第 {n} 行“{_shorten(t)}”" for n, t in self.title_rows)
            notes.append(
                f"{where}的表头在第 {self.header_row} 行，其上方的标题行已跳过：{titles}。"
            )
        if self.ignored_columns:
            notes.append(
                f"{where}已忽略的列：{'、'.join(self.ignored_columns)}（不是模板中的列，未导入）。"
            )
        by_reason: dict[str, list[int]] = {}
        for number, reason in self.skipped_rows:
            by_reason.setdefault(reason, []).append(number)
        for reason, numbers in by_reason.items():
            shown = join_first(numbers, shown=20)
            notes.append(f"{where}已跳过{reason} {len(numbers)} 行：第 {shown} 行。")
        return notes


def _shorten(value: str, limit: int = 30) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


# --- reading ------------------------------------------------------------------------------------

# Offices put a title (合并 or not), a date line or a unit's name above the table.
HEADER_SEARCH_ROWS = 10
_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")"})
_BRACKETED = re.compile(r"\([^()]*\)")
_TOTALS = re.compile(r"^(合计|总计|小计)[:：]?$")


def _normalise_header(value: Any) -> str:
    text = "" if value is None else strip_invisible(str(value))
    # NFKC folds full-width letters, digits and brackets to half-width; templates mark required
    # columns with *, people add spaces and line breaks.
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return re.sub(r"\s+", "", text).replace("*", "")


def _header_forms(value: Any) -> list[str]:
    """A header's name, then without its brackets, then without what the brackets hold:
    `有效期(起)` is `有效期起`, `统一社会信用代码(18位)` is `统一社会信用代码`."""
    name = _normalise_header(value)
    forms = [name, name.replace("(", "").replace(")", ""), _BRACKETED.sub("", name)]
    return [form for position, form in enumerate(forms) if form and form not in forms[:position]]


def _column_lookup(columns: Sequence[Column]) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for level in range(3):  # every column's exact names before any column's shortened ones
        for column in columns:
            for name in (column.header, *column.aliases):
                forms = _header_forms(name)
                if level < len(forms):
                    lookup.setdefault(forms[level], column)
    return lookup


@dataclass
class _HeaderMatch:
    index: dict[str, int]  # column key -> position
    ignored: list[str]  # the file's headers that matched no column
    missing: list[str]  # required columns not found


def _match_columns(headers: Sequence[Any], columns: Sequence[Column]) -> _HeaderMatch:
    lookup = _column_lookup(columns)
    index: dict[str, int] = {}
    seen: dict[str, int] = {}
    ignored: list[str] = []
    for position, header in enumerate(headers):
        forms = _header_forms(header)
        if not forms:
            continue
        if forms[0] in seen:
            raise TableError(
                f"表头第 {_letter(seen[forms[0]])} 列和第 {_letter(position)} 列都是“{forms[0]}”，"
                "请删除重复的列。",
                code="duplicate_header",
            )
        seen[forms[0]] = position
        column = next((lookup[form] for form in forms if form in lookup), None)
        if column is None or column.key in index:
            ignored.append(str(header).strip())
        else:
            index[column.key] = position
    missing = [c.header for c in columns if c.required and c.key not in index]
    return _HeaderMatch(index=index, ignored=ignored, missing=missing)


def _find_header(
    first_rows: Sequence[Sequence[Any]], columns: Sequence[Column], merges: Sequence[Any] = ()
) -> tuple[int, _HeaderMatch]:
    """The first of the first rows that holds every required column: (its offset, the match).

    A header must not have merged cells (a title row above it may); `merges` are calamine's
    ((row, column), (row, column)) ranges, counted from 0."""
    best: tuple[int, _HeaderMatch] | None = None
    for offset, row in enumerate(first_rows[:HEADER_SEARCH_ROWS]):
        if all(_is_blank(v) for v in row):
            continue
        match = _match_columns(row, columns)
        if not match.missing or (best is None or len(match.index) > len(best[1].index)):
            best = (offset, match)
        if not match.missing:
            break
    if best is None:
        raise TableError("工作表是空的，没有表头和数据。", code="empty_file")
    offset, match = best
    for (r0, c0), (r1, c1) in merges:
        if r0 <= offset <= r1 and match.index:
            cells = f"{_letter(c0)}{r0 + 1}:{_letter(c1)}{r1 + 1}"
            raise TableError(
                f"表头（第 {offset + 1} 行）有合并单元格 {cells}，请取消合并，每列只保留一个列名。",
                code="merged_header",
            )
    if not match.missing:
        return offset, match
    found = "、".join(_normalise_header(h) for h in first_rows[offset] if not _is_blank(h))
    raise HeaderNotFound(
        f"缺少必填列：{'、'.join(match.missing)}。在前 {HEADER_SEARCH_ROWS} 行中最像表头的是"
        f"第 {offset + 1} 行：{found or '（空）'}。请使用下载的模板，不要修改表头。",
        offset=offset,
        matched=len(match.index),
    )


class HeaderNotFound(TableError):
    """No row of the first ones holds every required column; `matched` columns were found in the
    closest, at `offset`."""

    def __init__(self, message: str, *, offset: int, matched: int):
        super().__init__(message, code="missing_columns")
        self.offset = offset
        self.matched = matched


def _letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column letters Excel shows."""
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_letter(position: int) -> str:
    return _letter(position)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _is_totals(raw: Sequence[Any]) -> bool:
    for value in raw:
        if not _is_blank(value):
            return bool(_TOTALS.match(re.sub(r"\s+", "", _normalise_header(value))))
    return False


def _example_cells(columns: Sequence[Column], index: dict[str, int]) -> list[tuple[int, str]]:
    """(position, value) of the template's example in every required text column of the file."""
    return [
        (index[c.key], c.example)
        for c in columns
        if c.required and c.key in index and isinstance(c.example, str) and c.example
    ]


def _is_example(raw: Sequence[Any], cells: list[tuple[int, str]]) -> bool:
    return bool(cells) and all(
        position < len(raw) and _cell_text(raw[position]) == example for position, example in cells
    )


def _rows_from(
    raw_rows: Iterable[Sequence[Any]],
    table: Table,
    index: dict[str, int],
    first_number: int,
    columns: Sequence[Column] = (),
) -> Iterator[SourceRow]:
    example = _example_cells(columns, index)
    first_example = example[0] if example else (0, None)
    # A row that reaches the last column read takes its values in one step.
    keys = tuple(index)
    take = operator.itemgetter(*index.values()) if len(index) > 1 else None
    width = max(index.values(), default=0) + 1
    for offset, raw in enumerate(raw_rows):
        # A sheet may carry a million formatted but empty rows: they are not data. (The first
        # cell of a data row is usually filled, which settles it without looking further.)
        first = raw[0] if raw else None
        if type(first) is str and first and not first.isspace():  # a text: the usual row
            # Looked at only when the first cell could start a totals row: this runs per row.
            totals = "计" in first
        elif first is None or isinstance(first, str):  # blank: the row may be, or be a total
            if all(_is_blank(v) for v in raw):
                continue
            totals = True
        else:  # a number or a date
            totals = False
        if type(raw) is not list:
            raw = list(raw)
        if totals and _is_totals(raw):
            # A 合计 row sums the rows above: it is not a record, and nothing in it is lost.
            table.skipped_rows.append((first_number + offset, "合计行"))
            continue
        # The template's example row, left in: the same made-up firm or officer every time.
        position, value = first_example
        if position < len(raw) and raw[position] == value and _is_example(raw, example):
            table.skipped_rows.append((first_number + offset, "模板中的示例行"))
            continue
        if take is not None and len(raw) >= width:
            # itemgetter gives one value per key; strict= costs a quarter of the dict, a row.
            values = dict(zip(keys, take(raw)))  # noqa: B905
        else:
            values = {key: (raw[pos] if pos < len(raw) else None) for key, pos in index.items()}
        # By position: a dataclass's __init__ by keywords costs twice as much, once a row.
        yield SourceRow(first_number + offset, values, raw, table)


def read_table(
    source: str | Path | BinaryIO,
    *,
    filename: str,
    columns: Sequence[Column],
    max_bytes: int | None = None,
    limits: WorkbookLimits | None = None,
    checked: bool = False,
    on_checked: Callable[[], None] | None = None,
) -> Table:
    """Open a spreadsheet and find its header; the rows are read lazily from `Table.rows`.

    A workbook is checked first (`backend.workbook_checks`, with `limits` or the defaults): a
    zip bomb is refused before anything decompresses it. `checked` says the caller has already
    checked these very bytes with the same limits (an upload, on its form). `on_checked` is
    called once the check has passed, before the sheet is loaded (for a text file, once its
    size is known to be within `max_bytes`)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise TableError(
            f"不支持的文件类型“{suffix or '无扩展名'}”，"
            "请上传 .xlsx、.xls、.ods 或 .csv 文件（Excel 另存的“Unicode 文本”.txt 也可以）。",
            code="unsupported_type",
        )
    if suffix not in TEXT_SUFFIXES and isinstance(source, str | Path):
        # A workbook on disk goes to calamine by its path: holding the file's bytes as well
        # would add its whole size to the peak memory of a province's import.
        size = Path(source).stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise _too_large(size, max_bytes)
        with open(source, "rb") as handle:
            head = handle.read(4096)
        if not head.strip():
            raise TableError("文件是空的，没有任何内容。", code="empty_file")
        return _read_excel(
            head, suffix, columns, path=source, limits=limits, checked=checked,
            on_checked=on_checked,
        )  # fmt: skip
    data = _read_bytes(source, max_bytes=max_bytes)
    if not data.strip():
        raise TableError("文件是空的，没有任何内容。", code="empty_file")
    if suffix in TEXT_SUFFIXES:
        if on_checked is not None:
            on_checked()
        return _read_csv(data, columns)
    return _read_excel(data, suffix, columns, limits=limits, checked=checked, on_checked=on_checked)


def _read_bytes(source: str | Path | BinaryIO, *, max_bytes: int | None) -> bytes:
    if isinstance(source, str | Path):
        size = Path(source).stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise _too_large(size, max_bytes)
        return Path(source).read_bytes()
    data = source.read(max_bytes + 1 if max_bytes is not None else -1)
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_large(None, max_bytes)
    return data


def _too_large(size: int | None, max_bytes: int) -> TableError:
    limit = f"{max_bytes / 1024 / 1024:.0f} MB"
    actual = f"（{size / 1024 / 1024:.1f} MB）" if size is not None else ""
    return TableError(
        f"文件过大{actual}，上限为 {limit}。请拆分成多个文件分批导入。", code="too_large"
    )


def _start_table(
    rows: Iterator[Sequence[Any]],
    columns: Sequence[Column],
    *,
    sheet_name: str = "",
    merges: Sequence[Any] = (),
) -> Table:
    """Find the header among the first rows of `rows` and return the table over the rest."""
    first_rows = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    offset, match = _find_header(first_rows, columns, merges)
    headers = first_rows[offset]
    table = Table(
        headers=[_cell_text(h) for h in headers],
        column_index=match.index,
        rows=iter(()),
        sheet_name=sheet_name,
        header_row=offset + 1,
        ignored_columns=match.ignored,
        title_rows=[
            (number, "".join(_cell_text(v) for v in row if not _is_blank(v)))
            for number, row in enumerate(first_rows[:offset], start=1)
            if not all(_is_blank(v) for v in row)
        ],
    )
    rest = itertools.chain(first_rows[offset + 1 :], rows)
    table.rows = _rows_from(rest, table, match.index, first_number=offset + 2, columns=columns)
    return table


def _read_excel(
    data: bytes,
    suffix: str,
    columns: Sequence[Column],
    *,
    path: str | Path | None = None,
    limits: WorkbookLimits | None = None,
    checked: bool = False,
    on_checked: Callable[[], None] | None = None,
) -> Table:
    """`data` is the whole file, or its first bytes when `path` is given."""
    import python_calamine

    if suffix in (".xlsx", ".xlsm", ".ods") and not data.startswith(b"PK\x03\x04"):
        raise TableError(
            f"文件扩展名是 {suffix}，但内容不是 Excel 工作簿（可能是改了扩展名的其他文件）。"
            "请在 Excel 中打开后“另存为”Excel 工作簿（.xlsx）再上传。",
            code="not_excel",
        )
    try:
        if not checked:
            check_workbook(
                path if path is not None else io.BytesIO(data),
                filename=f"x{suffix}",
                limits=limits,
            )
    except WorkbookRefused as exc:
        raise TableError(exc.message, code=exc.code) from None
    if on_checked is not None:
        on_checked()
    try:
        if path is not None:
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        else:
            workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        del data
        names = workbook.sheet_names
    except python_calamine.PasswordError:
        raise TableError("工作簿设有密码，请取消密码保护后再上传。", code="encrypted") from None
    except Exception:  # noqa: BLE001 - calamine raises several types for a damaged file
        raise TableError(
            "无法读取该 Excel 文件，文件可能已损坏或不是 Excel 格式。请用 Excel 打开并另存后再试。",
            code="not_excel",
        ) from None
    return _read_workbook(workbook, names, columns)


def _read_workbook(workbook: Any, names: Sequence[str], columns: Sequence[Column]) -> Table:
    """The first sheet with a header, whose `rows` go on into every later sheet with one.

    A sheet without a header (a 填写说明 cover note, an empty Sheet2) is listed as skipped; one
    whose closest header row has two or more of the columns and rows below it looks like data
    with a mistyped header, and refuses the whole file rather than lose those rows unseen."""
    several = len(names) > 1
    skipped: list[tuple[str, str]] = []
    first_error: TableError | None = None
    for position, name in enumerate(names):
        try:
            table = _open_sheet(workbook, name, columns, several)
        except _SheetSkipped as exc:
            skipped.append((name, exc.why))
            first_error = first_error or exc.error
            continue
        table.skipped_sheets = skipped
        table.rows = _all_rows(table, table.rows, workbook, names[position + 1 :], columns)
        return table
    assert first_error is not None
    raise first_error


class _SheetSkipped(Exception):
    def __init__(self, why: str, error: TableError):
        self.why = why
        self.error = error


def _open_sheet(workbook: Any, name: str, columns: Sequence[Column], several: bool) -> Table:
    where = f"工作表“{name}”：" if several else ""
    try:
        sheet = workbook.get_sheet_by_name(name)
        return _read_sheet(sheet, columns, several=several)
    except HeaderNotFound as exc:
        if exc.matched >= 2 and any(
            not all(_is_blank(v) for v in row)
            for row in itertools.islice(sheet.iter_rows(), exc.offset + 1, None)
        ):
            raise TableError(
                f"{where}有数据行，但表头不完整：{exc.message}"
                "为避免漏导，未导入任何数据；请补齐该工作表的表头或删除该工作表后重新导入。",
                code="sheet_not_read",
            ) from None
        error = TableError(where + exc.message, code=exc.code)
        raise _SheetSkipped("没有可识别的表头", error) from None
    except TableError as exc:
        if exc.code == "empty_file":
            raise _SheetSkipped("是空的", TableError(where + exc.message, code=exc.code)) from None
        raise TableError(where + exc.message, code=exc.code) from None


def _all_rows(
    first: Table,
    first_rows: Iterator[SourceRow],
    workbook: Any,
    rest: Sequence[str],
    columns: Sequence[Column],
) -> Iterator[SourceRow]:
    yield from first_rows
    for name in rest:
        try:
            table = _open_sheet(workbook, name, columns, True)
        except _SheetSkipped as exc:
            first.skipped_sheets.append((name, exc.why))
            continue
        first.more_sheets.append(table)
        yield from table.rows


def _read_sheet(sheet: Any, columns: Sequence[Column], *, several: bool = False) -> Table:
    # calamine's rows start at row 1 but at the sheet's first used column.
    column_offset = sheet.start[1] if sheet.start else 0
    table = _start_table(
        sheet.iter_rows(),
        columns,
        sheet_name=sheet.name,
        merges=sheet.merged_cell_ranges or (),
    )
    table.column_offset = column_offset
    table.several_sheets = several
    return table


def _decode_csv(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode 文本".
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            # Excel on a Chinese Windows saves CSV in GBK; GB 18030 is its superset.
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    raise TableError(
        "无法识别文件的编码，请另存为“CSV UTF-8（逗号分隔）”后再上传。", code="encoding"
    )


def _read_csv(data: bytes, columns: Sequence[Column]) -> Table:
    text = _decode_csv(data)
    del data
    # Comma-separated, or tab-separated as Excel's "Unicode 文本" and tables copied from reports;
    # judged on the first lines, which may be a title without either.
    sample = text[:8192]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def guarded() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise TableError(
                f"CSV 文件第 {reader.line_num} 行格式错误：{exc}", code="csv_format"
            ) from None

    return _start_table(guarded(), columns)


# --- cell parsers -------------------------------------------------------------------------------

# What Excel shows for a long number: 9.12201E+17. Real codes may contain an E followed by
# digits (91220104...E6197798), but never a "+".
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+\d+$")
_FULLWIDTH = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)


def text(value: Any, *, required: bool = True, max_length: int | None = None) -> str:
    """Free text: trimmed; numbers written as Excel shows them (3.0 -> "3")."""
    if type(value) is str:  # the common case, first: imports call this millions of times
        # Bidi controls and zero-width characters never reach a page or an export.
        result = strip_invisible(value, multiline=True).strip()
        if result and (max_length is None or len(result) <= max_length):
            return result
    if _is_blank(value):
        if required:
            raise CellError("不能为空（如果单元格里是公式，请改为直接填写数值）")
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = strip_invisible(str(value), multiline=True).strip()
    if max_length is not None and len(result) > max_length:
        raise CellError(f"不能超过 {max_length} 个字符（当前 {len(result)} 个）")
    return result


def code_text(
    value: Any, *, required: bool = True, what: str = "代码", digits: range | None = None
) -> str:
    """A code whose every character matters: refuse what Excel turned into a number.

    `digits` names the lengths of a code that is digits only and never starts with 0 (a region
    code, 6): a whole number of such a length lost nothing and is taken as its digits."""
    if isinstance(value, int | float) and not isinstance(value, bool) and digits is not None:
        if float(value).is_integer() and abs(value) < 1e15 and len(str(int(value))) in digits:
            return str(int(value))
    if isinstance(value, bool) or isinstance(value, int | float | Decimal):
        raise CellError(
            f"{what}被 Excel 读成了数字（{value}），字母或前导零可能已丢失。"
            "请把该列设置为“文本”格式后重新填写。"
        )
    if isinstance(value, datetime | date):
        raise CellError(f"{what}被 Excel 读成了日期，请把该列设置为“文本”格式后重新填写")
    if type(value) is str and value.isascii():
        result = value.strip().upper()
        if result and "+" not in result:
            return result
    result = text(value, required=required).translate(_FULLWIDTH).strip().upper()
    if _SCIENTIFIC.match(result):
        raise CellError(
            f"{what}被 Excel 改成了科学计数法（{result}），原值已丢失。"
            "请把该列设置为“文本”格式后重新填写。"
        )
    return result


def checked_code(
    value: Any,
    check: Callable[[str], str],
    *,
    what: str = "代码",
    required: bool = True,
    digits: range | None = None,
) -> str:
    """A code read as text (`code_text`) and then checked by a validator of backend.codes (or
    any function raising ValueError with a Chinese message)."""
    raw = code_text(value, required=required, what=what, digits=digits)
    if not raw and not required:
        return ""
    try:
        return check(raw)
    except ValueError as exc:
        raise CellError(getattr(exc, "message", None) or str(exc)) from None


_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def date_value(value: Any, *, required: bool = True) -> date | None:
    """A date from a date cell, an Excel serial number or text such as 2021-06-01 / 2021年6月1日."""
    if _is_blank(value):
        if required:
            raise CellError("日期不能为空")
        return None
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)  # 2021-06-01, the common case, quickly
        except ValueError:
            pass
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel's serial day number (1900 system). 60 is Excel's phantom 1900-02-29.
        if 1 <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"“{value}”不是有效的日期")
    raw = str(value).strip().split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise CellError(f"“{value}”不是真实存在的日期") from None
    raise CellError(f"“{value}”不是可识别的日期，请填写如 2021-06-01 的格式")


def int_value(
    value: Any, *, required: bool = True, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    if _is_blank(value):
        if required:
            raise CellError("不能为空")
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(f"“{value}”不是整数") from None
    if number != number.to_integral_value():
        raise CellError(f"“{value}”不是整数")
    result = int(number)
    if minimum is not None and result < minimum:
        raise CellError(f"不能小于 {minimum}")
    if maximum is not None and result > maximum:
        raise CellError(f"不能大于 {maximum}")
    return result


def decimal_value(value: Any, *, required: bool = True) -> Decimal | None:
    if _is_blank(value):
        if required:
            raise CellError("不能为空")
        return None
    try:
        # Through str(): a float 0.1 becomes Decimal("0.1"), not its binary expansion.
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(f"“{value}”不是数字") from None


def choice(value: Any, options: dict[str, Any], *, required: bool = True) -> Any:
    """One of the listed labels (e.g. 在岗 / 离岗); the message lists what is allowed."""
    label = text(value, required=required)
    if not label and not required:
        return None
    try:
        return options[label]
    except KeyError:
        pass
    # b, Ｂ and B are one choice: case and width say nothing.
    folded = label.translate(_FULLWIDTH).strip().upper()
    for option, result in options.items():
        if option.translate(_FULLWIDTH).upper() == folded:
            return result
    allowed = " / ".join(options)
    raise CellError(f"“{label}”不是可选值，只能填写：{allowed}")


def bool_value(value: Any, *, required: bool = False) -> bool:
    if _is_blank(value):
        if required:
            raise CellError("不能为空")
        return False
    if isinstance(value, bool):
        return value
    label = str(value).strip().lower()
    if label in {"是", "y", "yes", "true", "1", "√", "有"}:
        return True
    if label in {"否", "n", "no", "false", "0", "×", "无"}:
        return False
    raise CellError(f"“{value}”只能填写“是”或“否”")


def list_value(value: Any) -> list[str]:
    """Several values in one cell, separated by 、 , ， ; ； or line breaks."""
    if _is_blank(value):
        return []
    return [p.strip() for p in re.split(r"[、,，;；\n]+", str(value)) if p.strip()]


# --- writing ------------------------------------------------------------------------------------


def write_template(
    out: BinaryIO | str | Path,
    *,
    columns: Sequence[Column],
    sheet_title: str,
    notes: Sequence[str] = (),
) -> None:
    """The blank template: styled header, one example row, and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    header_fill = PatternFill("solid", fgColor="DDE7F3")
    last_row = 1_048_576
    for position, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position, value=column.header)
        cell.font = Font(bold=True, color="B42318" if column.required else "1F2933")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(position)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        example = sheet.cell(row=2, column=position, value=column.example)
        if column.text:
            # The whole column as text, not only the rows people are expected to fill: from the
            # first row past a fixed range Excel would store 18 digits as 9.11E+17 again.
            dimension.number_format = "@"
            example.number_format = "@"
        elif isinstance(column.example, date):
            example.number_format = "yyyy-mm-dd"
        # The header's input message says what goes in the column when it is selected.
        prompt = "；".join(filter(None, ["必填" if column.required else "选填", column.note]))
        hint = DataValidation(showInputMessage=True, promptTitle=column.header[:32])
        hint.prompt = prompt[:255]
        hint.add(f"{letter}1")
        sheet.add_data_validation(hint)
        if column.choices:
            allowed = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="不是可选值",
                error=f"只能填写：{' / '.join(column.choices)}"[:255],
            )
            allowed.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(allowed)
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet("填写说明")
    help_sheet.append(["列名", "是否必填", "说明", "示例"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in columns:
        example = column.example.isoformat() if isinstance(column.example, date) else column.example
        help_sheet.append(
            [column.header, "必填" if column.required else "选填", column.note, example]
        )
    help_sheet.append([])
    for line in (
        "第 1 行为表头，请勿修改；红色列名为必填列。第 2 行为示例，导入时会被识别并跳过。",
        "代码、证件号码等列已设置为文本格式，请勿改为数值，否则字母和前导零会丢失。",
        "日期可填写 2021-06-01、2021/6/1 或 2021年6月1日。",
        *notes,
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 22
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 70
    help_sheet.column_dimensions["D"].width = 24
    workbook.save(out)


def write_error_report(
    out: BinaryIO | str | Path,
    *,
    headers: Sequence[str],
    rows: Iterable[tuple[int, Sequence[Any], str]],
    notes: Sequence[str] = (),
) -> int:
    """The rejected rows as the user sent them, with the row number and what is wrong; the
    `notes` (skipped title rows, columns, totals rows) on a second sheet, 导入说明.

    `rows` holds (row number, original cells, message). Returns how many rows were written.
    """
    from backend.excel import write_xlsx

    def lines():
        for number, raw, message in rows:
            cells = list(raw) + [None] * (len(headers) - len(raw))
            yield [number, message, *cells]

    return write_xlsx(
        out,
        headers=["原行号", ERROR_COLUMN, *headers],
        rows=lines(),
        sheet_title="错误行",
        notes_sheet=(NOTES_SHEET, notes) if notes else None,
    )
