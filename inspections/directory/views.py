"""Pages of the item list and the target directory (一单两库). Thin: parse, call, render."""

import tempfile
from datetime import UTC

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE
from backend.forms import apply_service_errors
from backend.listing import day, xlsx_export
from backend.organisation.models import Department
from inspections.directory import exports
from inspections.directory.actions import DirectoryAction
from inspections.directory.classifications import industry_name, region_full_name
from inspections.directory.filters import FirmFilter
from inspections.directory.forms import ItemCreateForm, ItemReviseForm, ItemVersionForm, RetireForm
from inspections.directory.models import FIRM_FLAGS, InspectionItemVersion, RiskClass, VersionStatus
from inspections.directory.selectors import (
    DIRECTORY_READERS,
    firm_page,
    firms_for_item,
    firms_visible_to,
    items_visible_to,
    risk_class_counts,
)
from inspections.directory.services import (
    create_item,
    publish_item_version,
    retire_item,
    revise_item,
    update_draft,
)


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# --- the directory -------------------------------------------------------------------------------


def _filtered_firms(request):
    firm_filter = FirmFilter(request.GET or None, queryset=firms_visible_to(request.user))
    valid = firm_filter.is_valid() if request.GET else True
    return firm_filter, (firm_filter.qs if valid else firm_filter.queryset.none())


@role_required(*DIRECTORY_READERS)
def firm_list(request):
    """One page of the filtered directory, read by keyset: no COUNT(*) and no OFFSET.

    The risk-class counts come from the cache when this filter was counted recently; otherwise
    the page goes out without them and the browser fetches them from `firm_counts` (without
    JavaScript, a link asks for them with `counts=1`). The list never waits for a count.
    """
    firm_filter, firms = _filtered_firms(request)
    page = firm_page(
        firms,
        after=_int_or_none(request.GET.get("after")),
        before=_int_or_none(request.GET.get("before")),
    )
    counts = risk_class_counts(firms, compute=request.GET.get("counts") == "1")
    return render(
        request,
        "inspections/firm_list.html",
        {
            "filter": firm_filter,
            "page": page,
            "counts": _count_rows(counts) if counts is not None else None,
            "total": sum(counts.values()) if counts is not None else None,
            "query": _query_without(request, "after", "before", "counts"),
            "flags": FIRM_FLAGS,
        },
    )


def _count_rows(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(str(RiskClass(risk).label), risk, n) for risk, n in counts.items()]


@role_required(*DIRECTORY_READERS)
def firm_counts(request):
    """The risk-class counts of a filter, as JSON, for the list page's second request."""
    _filter, firms = _filtered_firms(request)
    counts = risk_class_counts(firms)
    return JsonResponse(
        {
            "total": sum(counts.values()),
            "counts": [
                {"risk_class": r, "label": lb, "count": n} for lb, r, n in _count_rows(counts)
            ],
        }
    )


@role_required(*DIRECTORY_READERS)
def firm_detail(request, pk: int):
    firm = get_object_or_404(firms_visible_to(request.user).prefetch_related("tags"), pk=pk)
    return render(
        request,
        "inspections/firm_detail.html",
        {
            "firm": firm,
            "region_name": region_full_name(firm.region_code),
            "industry_name": industry_name(firm.industry_code),
        },
    )


@role_required(*DIRECTORY_READERS)
def firm_export(request):
    """The current filter's firms as .xlsx (written to a temporary file first) or streamed .csv."""
    firm_filter = FirmFilter(request.GET, queryset=firms_visible_to(request.user))
    if not firm_filter.is_valid():
        messages.error(request, "筛选条件有误，无法导出。")
        return redirect("directory:firms")
    firms = firm_filter.qs
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%d%H%M%S")
    filters = {
        key: request.GET.getlist(key)
        for key in request.GET
        if key not in {"format", "after", "before", "counts"}
    }
    total = firms.count()
    if total > settings.EXPORT_INLINE_MAX_ROWS:
        exports.start_export_job(actor=request.user, filters=filters, fmt=fmt, total=total)
        messages.success(
            request,
            f"共 {total} 个检查对象，数据较多，已转为后台生成。完成后请在“我的导出”中下载。",
        )
        return redirect("jobs:mine")
    if fmt == "csv":
        # Counted before streaming: the rows leave as they are read, after the event is written.
        count = total
        record_event(
            action=DirectoryAction.FIRM_EXPORT,
            actor=request.user,
            object_type="inspections.firm",
            detail={"format": fmt, "rows": count, "filters": filters},
        )
        response = StreamingHttpResponse(
            exports.csv_chunks(firms), content_type="text/csv; charset=utf-8"
        )
    else:
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        count = exports.export_xlsx(firms, handle)
        handle.seek(0)
        record_event(
            action=DirectoryAction.FIRM_EXPORT,
            actor=request.user,
            object_type="inspections.firm",
            detail={"format": fmt, "rows": count, "filters": filters},
        )
        response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="firms-{stamp}.{fmt}"'
    return response


# --- the item list -------------------------------------------------------------------------------


def _items_with_versions(user):
    return items_visible_to(user).prefetch_related(
        Prefetch("versions", queryset=InspectionItemVersion.objects.order_by("-number"))
    )


@role_required(*DIRECTORY_READERS)
def item_list(request):
    departments, filters, rows = _item_rows(request)
    return render(
        request,
        "inspections/item_list.html",
        {
            "rows": rows,
            "departments": departments,
            "can_edit": request.user.has_role(Role.PLANNER),
            **filters,
        },
    )


def _item_rows(request):
    """The items the user may read, as the list's filters choose them (the page, its export)."""
    items = _items_with_versions(request.user)
    departments = Department.objects.filter(pk__in=items.values("department_id")).order_by("code")
    department = request.GET.get("department", "")
    q = request.GET.get("q", "").strip()[:100]
    if department:
        items = items.filter(department__code=department)
    if q:
        items = items.filter(Q(code__icontains=q) | Q(versions__name__icontains=q)).distinct()
    rows = []
    for item in items:
        versions = list(item.versions.all())
        current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
        rows.append({"item": item, "versions": versions, "current": current, "latest": versions[0]})
    return departments, {"department": department, "q": q}, rows


ITEM_EXPORT_HEADERS = [
    "事项编码", "事项名称", "类别", "责任部门", "检查方式", "比例上限", "现行版本",
    "现行版本发布日期",
]  # fmt: skip


@role_required(*DIRECTORY_READERS)
def item_list_export(request):
    _departments, _filters, rows = _item_rows(request)

    def row(r):
        shown = r["current"] or r["latest"]
        current = r["current"]
        return [
            r["item"].code,
            shown.name,
            shown.get_category_display(),
            r["item"].department.name,
            "、".join(str(m) for m in shown.method_labels),
            shown.ratio_cap_percent or "",
            f"第{current.number}版" if current else "无",
            day(timezone.localdate(current.published_at)) if current else "",
        ]

    return xlsx_export(
        request,
        name="items",
        title="随机抽查事项清单",
        headers=ITEM_EXPORT_HEADERS,
        rows=rows,
        row=row,
    )


@role_required(*DIRECTORY_READERS)
def item_detail(request, pk: int):
    item = get_object_or_404(_items_with_versions(request.user), pk=pk)
    versions = list(
        item.versions.prefetch_related("checkpoints", "scope_rules").order_by("-number")
    )
    current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    sample = firm_page(firms_for_item(current), size=20) if current else None
    can_edit = request.user.has_role(Role.PLANNER) and request.user.department_id == (
        item.department_id
    )
    return render(
        request,
        "inspections/item_detail.html",
        {
            "item": item,
            "versions": versions,
            "current": current,
            "draft": draft,
            "sample": sample,
            "firm_list_size": item.firm_list.count(),
            "can_edit": can_edit,
            "retire_form": RetireForm(),
        },
    )


# The item form asks for the cap as a percentage; the service names the model field.
ITEM_FIELD_MAP = {"ratio_cap": "ratio_cap_percent"}


@role_required(Role.PLANNER)
def item_create(request):
    form = ItemCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = create_item(
                actor=request.user,
                department=request.user.department,
                enforcement_field=form.cleaned_data["enforcement_field"],
                code=form.cleaned_data["code"],
                checkpoints=form.checkpoint_lines(),
                **form.version_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map=ITEM_FIELD_MAP)
        else:
            messages.success(
                request, f"已创建事项 {version.item.code} 的草稿（第1版），发布后生效。"
            )
            return redirect("directory:item", pk=version.item_id)
    return render(
        request, "inspections/item_form.html", {"form": form, "heading": "新建随机抽查事项"}
    )


@role_required(Role.PLANNER)
def item_revise(request, pk: int):
    item = get_object_or_404(_items_with_versions(request.user), pk=pk)
    latest = item.versions.order_by("-number").first()
    form = ItemReviseForm(request.POST or None, initial=ItemVersionForm.initial_from(latest))
    if request.method == "POST" and form.is_valid():
        try:
            version = revise_item(
                actor=request.user,
                item=item,
                change_reason=form.cleaned_data["change_reason"],
                checkpoints=form.checkpoint_lines(),
                **form.version_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map=ITEM_FIELD_MAP)
        else:
            messages.success(request, f"已生成第{version.number}版草稿，发布后替代现行版本。")
            return redirect("directory:item", pk=item.pk)
    return render(
        request,
        "inspections/item_form.html",
        {"form": form, "item": item, "heading": f"修订事项 {item.code}（生成新版本）"},
    )


@role_required(Role.PLANNER)
def version_edit(request, pk: int, number: int):
    item = get_object_or_404(items_visible_to(request.user), pk=pk)
    version = get_object_or_404(item.versions, number=number)
    if version.status != VersionStatus.DRAFT:
        raise PermissionDenied("已发布的事项版本不能修改；如需变更，请修订生成新版本")
    form = ItemVersionForm(request.POST or None, initial=ItemVersionForm.initial_from(version))
    if request.method == "POST" and form.is_valid():
        try:
            update_draft(
                actor=request.user,
                version=version,
                checkpoints=form.checkpoint_lines(),
                **form.version_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, field_map=ITEM_FIELD_MAP)
        else:
            messages.success(request, f"已保存第{version.number}版草稿。")
            return redirect("directory:item", pk=item.pk)
    return render(
        request,
        "inspections/item_form.html",
        {"form": form, "item": item, "heading": f"修改 {item.code} 第{version.number}版草稿"},
    )


@require_POST
@role_required(Role.PLANNER)
def version_publish(request, pk: int, number: int):
    item = get_object_or_404(items_visible_to(request.user), pk=pk)
    version = get_object_or_404(item.versions, number=number)
    try:
        publish_item_version(actor=request.user, version=version)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已发布 {item.code} 第{version.number}版。")
    return redirect("directory:item", pk=item.pk)


@require_POST
@role_required(Role.PLANNER)
def item_retire(request, pk: int):
    item = get_object_or_404(items_visible_to(request.user), pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写停用原因。")
        return redirect("directory:item", pk=item.pk)
    try:
        retire_item(actor=request.user, item=item, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已停用事项 {item.code}；停用后不能再用于抽查任务。")
    return redirect("directory:item", pk=item.pk)
