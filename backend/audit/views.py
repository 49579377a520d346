import io
from datetime import UTC

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.actions import AuditTrailAction
from backend.audit.filters import AuditEventFilter
from backend.audit.selectors import events_visible_to
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE, write_csv, write_xlsx

EXPORT_HEADERS = [
    "编号", "时间", "账号", "角色", "部门", "IP地址", "操作", "操作代码", "对象类型", "对象标识",
    "结果", "请求编号", "哈希",
]  # fmt: skip


def _filtered(request):
    return AuditEventFilter(request.GET, queryset=events_visible_to(request.user))


@role_required(Role.AUDIT_ADMIN)
def events(request):
    event_filter = _filtered(request)
    page = Paginator(event_filter.qs.order_by("-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {"filter": event_filter, "page": page, "query": query.urlencode()},
    )


def _export_rows(queryset):
    local = timezone.get_current_timezone()
    for e in queryset.order_by("id").iterator(chunk_size=2000):
        yield [
            e.id,
            e.created_at.astimezone(local).replace(tzinfo=None),
            e.actor_username,
            e.role_label,
            e.department_code,
            e.ip or "",
            e.action_label,
            e.action,
            e.object_type,
            e.object_id,
            e.get_outcome_display(),
            e.request_id,
            e.hash,
        ]


@role_required(Role.AUDIT_ADMIN)
def export(request):
    event_filter = _filtered(request)
    fmt = request.GET.get("format", "xlsx")
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%d%H%M%S")
    if fmt == "csv":
        buffer = io.StringIO()
        count = write_csv(buffer, headers=EXPORT_HEADERS, rows=_export_rows(event_filter.qs))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"audit-{stamp}.csv"
    else:
        buffer = io.BytesIO()
        count = write_xlsx(
            buffer,
            headers=EXPORT_HEADERS,
            rows=_export_rows(event_filter.qs),
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
