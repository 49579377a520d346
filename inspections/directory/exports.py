"""The directory as a spreadsheet: the rows of any filtered view, in .xlsx or .csv.

Rows are read with `values_list(...).iterator()` (a server-side cursor on PostgreSQL), never as
model instances, so that a million firms stream in constant memory. An export of more than
EXPORT_INLINE_MAX_ROWS firms is made by a background job (the same rows, written to a file the
user downloads from 我的导出), not within the request.
"""

from collections.abc import Iterator
from itertools import product
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from backend.excel import EXCEL_MAX_ROWS, iter_csv, write_xlsx
from backend.jobs.dispatch import job_task
from backend.jobs.work import (
    Outcome,
    WorkKind,
    atomic_file,
    counted,
    job_file_path,
    register_work_kind,
    run_work,
    start_work,
    write_table,
)
from inspections.directory.actions import DirectoryAction
from inspections.directory.classifications import region_full_name, region_names
from inspections.directory.filters import FirmFilter
from inspections.directory.models import FirmStatus, FirmTag, TargetType
from inspections.directory.selectors import firms_visible_to

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


# --- a large export, made by a background job (backend/jobs/work.py) ------------------------------

FIRM_EXPORT_JOB = "directory.firm_export"


def _run_export_job(job, progress) -> Outcome:
    """The export the user asked for, as the user who asked (their access decided again now)."""
    query = QueryDict(mutable=True)
    for key, values in job.params["filters"].items():
        query.setlist(key, values)
    firm_filter = FirmFilter(query, queryset=firms_visible_to(job.created_by))
    if not firm_filter.is_valid():
        raise ValidationError("筛选条件有误，无法导出。")
    fmt = job.params["format"]
    path = job_file_path(job, f".{fmt}")
    with atomic_file(path) as out:
        count = write_table(
            out,
            fmt=fmt,
            headers=HEADERS,
            rows=counted(firm_rows(firm_filter.qs), job, progress),
            sheet_title=SHEET_TITLE,
            max_rows_per_sheet=getattr(settings, "EXCEL_MAX_ROWS_PER_SHEET", EXCEL_MAX_ROWS),
        )
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d%H%M%S")
    return Outcome(
        message=f"已导出 {count} 个检查对象。",
        file=path,
        filename=f"firms-{stamp}.{fmt}",
        rows=count,
    )


@job_task("inspections.directory.export_firms", kind="export")
def export_firms_task(job_id: int) -> None:
    run_work(job_id)


def start_export_job(*, actor, filters: dict, fmt: str, total: int):
    """Export in the background: the user follows it, and downloads it, on 我的导出."""
    return start_work(
        kind=FIRM_EXPORT_JOB,
        params={"format": fmt, "filters": filters},
        actor=actor,
        total=total,
    )


def register_export_job() -> None:
    register_work_kind(
        WorkKind(
            FIRM_EXPORT_JOB,
            "检查对象名录导出",
            _run_export_job,
            export_firms_task,
            "export",
            audit_action=DirectoryAction.FIRM_EXPORT,
        )
    )
