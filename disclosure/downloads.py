"""A year's published results as one file: .csv streamed, .xlsx built once per state of the year.

The .csv never holds the year in memory: rows come from a server-side cursor (`iterator()`)
and leave as chunks of text while the next are read. The .xlsx (a zip, which cannot be
streamed) is written by a background job (disclosure/yearly.py) to a file under MEDIA_ROOT named
after the year's newest publication and count, so that it is built once and rebuilt only when the
year changes; a request never builds it.
"""

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from backend.excel import iter_csv, write_xlsx
from disclosure.models import FollowUpSummary, PublicationKind, PublishedResult
from disclosure.redaction import STATUS_LABELS, scrub

HEADERS = (
    "公示编号", "公示类型", "状态", "更正或撤回的公示", "原因", "检查机关", "联合检查部门",
    "任务编号", "检查对象名称", "统一社会信用代码", "行政区划代码", "检查事项", "检查日期",
    "检查结果", "后续处置", "后续处置情况", "公示日期",
)  # fmt: skip

_COLUMNS = (
    "id", "code", "kind", "replaces_id", "reason", "agency", "joint_agencies",
    "task_code", "firm_name", "firm_uscc", "region_code", "items", "inspected_on",
    "result_text", "follow_ups", "follow_up_status", "published_at",
)  # fmt: skip
_KIND = {k.value: str(k.label) for k in PublicationKind}
_FOLLOW_UP = {k.value: str(k.label) for k in FollowUpSummary}


def year_results(year: int):
    return PublishedResult.objects.filter(year=year)


def has_results(year: int) -> bool:
    return year_results(year).exists()


def _status(kind: str, successor_kind: str | None) -> str:
    if successor_kind is not None:
        return STATUS_LABELS["withdrawn" if successor_kind == "withdrawal" else "corrected"]
    return STATUS_LABELS["withdrawal" if kind == "withdrawal" else "in_force"]


def _follow_ups(entries: list[dict]) -> str:
    return "；".join(
        f"{f['label']}（{'已完成 ' + f['completed_on'] if f['completed_on'] else '处置中'}）"
        for f in entries
    )


def rows(year: int) -> Iterator[tuple]:
    """Each publication of `year` as one line, in publication order, read by a cursor.

    The cursor reads the year's rows alone, in index order, so the first line leaves at once;
    corrections and withdrawals (few) are looked up beforehand instead of joined.
    """
    tz = timezone.get_current_timezone()
    replaced = year_results(year).filter(replaces__isnull=False)
    replacements = dict(replaced.values_list("replaces_id", "kind"))
    replaced_codes = dict(
        PublishedResult.objects.filter(pk__in=replaced.values("replaces_id")).values_list(
            "id", "code"
        )
    )
    # Inside a transaction PostgreSQL's cursor streams; outside one Django declares it WITH
    # HOLD, which makes the server build the whole year before the first row.
    with transaction.atomic():
        values = year_results(year).order_by("id").values_list(*_COLUMNS).iterator(chunk_size=5000)
        yield from _lines(values, replacements, replaced_codes, tz)


def _lines(values, replacements: dict, replaced_codes: dict, tz) -> Iterator[tuple]:
    for (
        pk, code, kind, replaces, reason, agency, joint, task, firm_name, uscc, region,
        items, inspected_on, result, follow_ups, follow_up_status, published_at,
    ) in values:  # fmt: skip
        yield (
            code,
            _KIND[kind],
            _status(kind, replacements.get(pk)),
            replaced_codes.get(replaces, "") if replaces else "",
            scrub(reason),
            agency,
            joint,
            task,
            firm_name,
            uscc,
            region,
            "；".join(f"{i['code']} {i['name']}" for i in items),
            inspected_on.isoformat(),
            result,
            _follow_ups(follow_ups),
            _FOLLOW_UP[follow_up_status],
            published_at.astimezone(tz).date().isoformat(),
        )


def iter_year_csv(year: int) -> Iterator[bytes]:
    for chunk in iter_csv(headers=HEADERS, rows=rows(year), rows_per_chunk=2000):
        yield chunk.encode("utf-8")


def year_state(year: int) -> tuple[int, int]:
    """The year's newest publication and count: what its file and statistics are built from."""
    found = year_results(year).aggregate(newest=Max("id"), n=Count("id"))
    return found["newest"] or 0, found["n"]


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "disclosure"


def _path(year: int, state: tuple[int, int]) -> Path:
    newest, count = state
    return _folder() / f"results-{year}-{newest}-{count}.xlsx"


def built_xlsx(year: int) -> Path | None:
    """The year's workbook for the year as it is now, if its job has built it."""
    path = _path(year, year_state(year))
    return path if path.exists() else None


def built_files(year: int) -> list[Path]:
    return sorted(_folder().glob(f"results-{year}-*.xlsx"))


def build_xlsx(year: int, *, rows_seen: Callable[[Iterator], Iterator] = iter) -> Path:
    """Build the year's workbook (disclosure/yearly.py's job; never within a request).

    Named after the state read first: a publication added while it is written makes the file
    stale at once, and the next request starts another build rather than serving it as current.
    """
    state = year_state(year)
    path = _path(year, state)
    if path.exists():
        return path
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    # Written beside its final name and renamed: a reader never sees half a workbook, and a
    # job killed part-way leaves only the .part file, removed by the next build.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f"results-{year}-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            write_xlsx(
                out, headers=HEADERS, rows=rows_seen(rows(year)), sheet_title=f"{year}年检查结果"
            )
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    for old in [*built_files(year), *folder.glob(f"results-{year}-*.part")]:
        if old != path and old.stat().st_mtime < path.stat().st_mtime:
            old.unlink(missing_ok=True)
    return path
