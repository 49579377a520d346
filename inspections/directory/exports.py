"""The directory as a spreadsheet: the rows of any filtered view, in .xlsx or .csv.

Rows are read with `values_list(...).iterator()` (a server-side cursor on PostgreSQL), never as
model instances, so that a million firms stream in constant memory.
"""

from collections.abc import Iterator
from itertools import product
from typing import IO

from django.conf import settings
from django.db.models import QuerySet

from backend.excel import EXCEL_MAX_ROWS, iter_csv, write_xlsx
from inspections.directory.classifications import region_full_name, region_names
from inspections.directory.models import FirmStatus, FirmTag, TargetType

HEADERS = [
    "统一社会信用代码", "名称", "对象类型", "行政区划代码", "行政区划", "行业代码",
    "住所（经营场所）", "法定代表人（负责人）", "成立日期", "登记状态", "信用风险分类",
    "标记", "标签",
]  # fmt: skip
SHEET_TITLE = "检查对象名录"
_COLUMNS = (
    "id", "uscc", "name", "target_type", "region_code", "industry_code", "address",
    "legal_representative", "registered_on", "status", "risk_class", "abnormal_operation",
    "serious_violation", "complaints",
)  # fmt: skip
_CHUNK = 5000


def _tag_labels(queryset: QuerySet) -> dict[int, str]:
    """The tags of the exported firms, joined per firm. Tags are few: a dict in memory is fine."""
    labels: dict[int, list[str]] = {}
    tags = FirmTag.objects.filter(firm_id__in=queryset.order_by().values("id"))
    for tag in tags.order_by("firm_id", "name").iterator(chunk_size=_CHUNK):
        labels.setdefault(tag.firm_id, []).append(tag.label)
    return {firm_id: "；".join(parts) for firm_id, parts in labels.items()}


def firm_rows(queryset: QuerySet) -> Iterator[list]:
    """One list of cell values per firm, in id order, matching HEADERS."""
    tags = _tag_labels(queryset)
    regions = {code: region_full_name(code) for code in region_names()}
    target_types = {value: str(label) for value, label in TargetType.choices}
    statuses = {value: str(label) for value, label in FirmStatus.choices}
    flag_names = ("经营异常", "严重违法失信", "投诉举报")
    # The 8 combinations of the three flags, joined once rather than per row.
    flag_text = {
        combo: "、".join(n for n, on in zip(flag_names, combo, strict=True) if on) or None
        for combo in product((False, True), repeat=3)
    }
    rows = queryset.order_by("id").values_list(*_COLUMNS).iterator(chunk_size=_CHUNK)
    for (
        pk, uscc, name, target_type, region, industry, address, legal_rep, registered_on,
        status, risk, abnormal, serious, complaints,
    ) in rows:  # fmt: skip
        # Empty cells are None, not "": the .xlsx writer then leaves them out altogether.
        yield [
            uscc,
            name,
            target_types.get(target_type, target_type),
            region,
            regions.get(region),
            industry or None,
            address or None,
            legal_rep or None,
            registered_on.isoformat() if registered_on else None,
            statuses.get(status, status),
            risk,
            flag_text[abnormal, serious, complaints],
            tags.get(pk),
        ]


def export_xlsx(
    queryset: QuerySet, out: str | IO[bytes], *, max_rows_per_sheet: int | None = None
) -> int:
    """Write the firms to an .xlsx (write-only, a new sheet when one is full). Returns the count."""
    limit = max_rows_per_sheet or getattr(settings, "EXCEL_MAX_ROWS_PER_SHEET", EXCEL_MAX_ROWS)
    return write_xlsx(
        out,
        headers=HEADERS,
        rows=firm_rows(queryset),
        sheet_title=SHEET_TITLE,
        max_rows_per_sheet=limit,
    )


def csv_chunks(queryset: QuerySet) -> Iterator[str]:
    """The firms as CSV text, in chunks, for a streaming response."""
    return iter_csv(headers=HEADERS, rows=firm_rows(queryset))


def export_csv(queryset: QuerySet, out: IO[str]) -> int:
    """Write the firms as CSV to a text file. Returns the count."""
    count = 0

    def counted(rows):
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in iter_csv(headers=HEADERS, rows=counted(firm_rows(queryset))):
        out.write(chunk)
    return count
