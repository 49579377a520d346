import io
from datetime import UTC

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.actions import AuditTrailAction
from backend.audit.exports import EXPORT_HEADERS, event_rows, start_export_job
from backend.audit.filters import AuditEventFilter
from backend.audit.selectors import events_visible_to, object_names
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE, write_csv, write_xlsx


def _filtered(request):
    return AuditEventFilter(request.GET, queryset=events_visible_to(request.user))


@role_required(Role.AUDIT_ADMIN)
def events(request):
    event_filter = _filtered(request)
    page = Paginator(event_filter.qs.order_by("-id"), 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    names = object_names(page.object_list)
    for event in page.object_list:
        # What the object is, in words ("抽查任务 SC-2026-001"); its code stays in the export.
        event.object_name = names.get((event.object_type, event.object_id), event.object_id)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {"filter": event_filter, "page": page, "query": query.urlencode()},
    )


@role_required(Role.AUDIT_ADMIN)
def export(request):
    event_filter = _filtered(request)
    fmt = request.GET.get("format", "xlsx")
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%d%H%M%S")
    total = event_filter.qs.count()
    if total > settings.EXPORT_INLINE_MAX_ROWS:
        start_export_job(actor=request.user, filters=request.GET.dict(), fmt=fmt, total=total)
        messages.success(
            request,
            f"共 {total} 条审计日志，数据较多，已转为后台生成。完成后请在“我的导出”中下载。",
        )
        return redirect("jobs:mine")
    if fmt == "csv":
        buffer = io.StringIO()
        count = write_csv(buffer, headers=EXPORT_HEADERS, rows=event_rows(event_filter.qs))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"audit-{stamp}.csv"
    else:
        buffer = io.BytesIO()
        count = write_xlsx(
            buffer,
            headers=EXPORT_HEADERS,
            rows=event_rows(event_filter.qs),
            sheet_title="审计日志",
        )
        response = HttpResponse(
            buffer.getvalue(),
            content_type=XLSX_CONTENT_TYPE,
        )
        filename = f"audit-{stamp}.xlsx"
    record_event(
        action=AuditTrailAction.EXPORT,
        actor=request.user,
        object_type="audit.auditevent",
        detail={"format": fmt, "rows": count, "filters": request.GET.dict()},
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
