"""What every staff list page offers (issue 17): a 查询/重置 filter bar with the total
(backend/templates/_list_tools.html) and an .xlsx of exactly the rows the current filter shows.

A list's view builds its queryset once, in a function both the page and its export call, so
the export is scoped and filtered exactly as the page; `xlsx_export` writes it and records the
one audit event. Lists that can reach hundreds of thousands of rows (the firm directory, the
audit trail) export through a background job instead (backend.jobs)."""

import io
from collections.abc import Callable, Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone

from backend.audit.actions import ListAction
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE, write_xlsx

# An export of a list the page shows in full holds at most this many rows.
EXPORT_LIMIT = 100_000


def xlsx_export(
    request,
    *,
    name: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable,
    row: Callable[[object], Sequence],
) -> HttpResponse:
    """The rows (a filtered queryset or list) as `title`.xlsx, one `row(obj)` each; recorded as
    one audit event naming the list and the filters it was exported under."""
    if hasattr(rows, "iterator") and not getattr(rows, "_prefetch_related_lookups", ()):
        objects = rows[:EXPORT_LIMIT].iterator(chunk_size=500)
    else:
        objects = list(rows)[:EXPORT_LIMIT]
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
