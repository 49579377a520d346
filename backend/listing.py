"""What every staff list page offers (issue 17): a 查询/重置 filter bar with the total
(backend/templates/_list_tools.html) and an .xlsx of exactly the rows the current filter shows.

A list's view builds its queryset once, in a function both the page and its export call, so
the export is scoped and filtered exactly as the page; `xlsx_export` writes it and records the
one audit event. Lists that can reach hundreds of thousands of rows (the firm directory, the
audit trail) export through a background job instead (backend.jobs)."""

import io
from collections.abc import Callable, Iterable, Sequence

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from backend.audit.actions import ListAction
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE, write_xlsx

# An export of a list the page shows in full holds at most this many rows: a filter that
# matches more is refused (back to the list, with a message), never cut short silently.
EXPORT_LIMIT = 100_000


def list_url_of(request) -> str:
    """The list an export belongs to, from the export's own address: /tasks/export.xlsx is
    /tasks/'s, /supervision/opinions.xlsx is /supervision/opinions/'s."""
    path = request.path
    if path.endswith("/export.xlsx"):
        return path.removesuffix("export.xlsx")
    return path.removesuffix(".xlsx") + "/"


def xlsx_export(
    request,
    *,
    name: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable,
    row: Callable[[object], Sequence],
    list_url: str | None = None,
) -> HttpResponse:
    """The rows (a filtered queryset or list) as `title`.xlsx, one `row(obj)` each; recorded as
    one audit event naming the list and the filters it was exported under.

    More than EXPORT_LIMIT rows are not exported at all: the user is sent back to the list
    (`list_url`, by default derived from the export's address) under the same filter, told how
    many rows the filter matches and to narrow it; nothing is written and nothing audited."""
    if hasattr(rows, "count") and hasattr(rows, "iterator"):
        total = rows.count()
        if getattr(rows, "_prefetch_related_lookups", ()):
            objects = iter(rows)
        else:
            objects = rows.iterator(chunk_size=500)
    else:
        objects = list(rows)
        total = len(objects)
    if total > EXPORT_LIMIT:
        messages.error(
            request,
            f"共 {total:,} 条，超过单次导出上限 {EXPORT_LIMIT:,} 条，请缩小查询范围后再导出。",
        )
        back = list_url or list_url_of(request)
        query = request.GET.urlencode()
        return redirect(f"{back}?{query}" if query else back)
    buffer = io.BytesIO()
    count = write_xlsx(
        buffer, headers=headers, rows=(row(o) for o in objects), sheet_title=title[:31]
    )
    filters = {k: v for k, v in request.GET.items() if k != "page"}
    record_event(
        action=ListAction.EXPORT,
        actor=request.user,
        object_type="list",
        object_id=name,
        detail={"list": name, "rows": count, "filters": filters},
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def day(value) -> str:
    """A date cell: 2026-12-05 (Excel sorts it); empty when there is none."""
    return value.isoformat() if value else ""
