"""Shared spreadsheet helpers: exports that Excel opens safely, at any size."""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# What an .xlsx is served as (HttpResponse content_type of every export).
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXCEL_MAX_ROWS = 1_048_576
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Make a text cell inert: Excel must never run a formula that came from user data."""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


# Characters XML 1.0 cannot hold: a name pasted from somewhere odd must not break an export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xlsx_text(value: str) -> str:
    if not value.isprintable():  # fast path: almost every cell is printable text
        value = _NOT_XML.sub("", value)
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def _escaped(row: Sequence) -> list:
    # escape_cell inlined for text: on a 100,000-row export the call per cell is measurable.
    return [_xlsx_text(value) if isinstance(value, str) else value for value in row]


def write_xlsx(
    out,
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    sheet_title: str = "Sheet",
    max_rows_per_sheet: int = EXCEL_MAX_ROWS,
    notes_sheet: tuple[str, Sequence[str]] | None = None,
) -> int:
    """Stream rows into a write-only workbook; a new sheet starts when one is full.

    `notes_sheet` (title, lines) adds a last sheet with one line of text per row.

    Returns the number of data rows written.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    count = 0
    sheet = None
    sheet_rows = max_rows_per_sheet
    sheets = 0
    for row in rows:
        if sheet_rows >= max_rows_per_sheet:
            sheets += 1
            sheet = workbook.create_sheet(sheet_title if sheets == 1 else f"{sheet_title}{sheets}")
            header_cells = []
            for header in headers:
                cell = WriteOnlyCell(sheet, value=header)
                cell.font = bold
                header_cells.append(cell)
            sheet.append(header_cells)
            sheet_rows = 1
        sheet.append(_escaped(row))
        sheet_rows += 1
        count += 1
    if sheet is None:
        sheet = workbook.create_sheet(sheet_title)
        sheet.append(list(headers))
    if notes_sheet is not None:
        title, lines = notes_sheet
        notes = workbook.create_sheet(title)
        for line in lines:
            notes.append([_xlsx_text(line)])
    workbook.save(out)
    return count


def write_csv(out: io.TextIOBase, *, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    """CSV with a BOM so that Excel on a Chinese Windows reads it as UTF-8."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([escape_cell(value) for value in row])
        count += 1
    return count


class _Buffer:
    """A write-only file that keeps what csv.writer gives it until asked."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


def iter_csv(
    *, headers: Sequence[str], rows: Iterable[Sequence], rows_per_chunk: int = 2000
) -> Iterator[str]:
    """The same CSV as write_csv, yielded in chunks of text, for a streaming response."""
    buffer = _Buffer()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    pending = 0
    triggers = _FORMULA_TRIGGERS
    for row in rows:
        # escape_cell inlined: a million-row export makes over ten million of these calls.
        writer.writerow(
            ["'" + v if isinstance(v, str) and v.startswith(triggers) else v for v in row]
        )
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.take()
            pending = 0
    yield buffer.take()
