"""Follow-up pages: one inspection's follow-ups (open, re-check, complete, then close and
archive), and the department's list of follow-ups with filters and an .xlsx export."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.excel import XLSX_CONTENT_TYPE, write_xlsx
from backend.forms import apply_service_errors
from fieldwork.access import is_lead_staff, may_record_follow_ups
from fieldwork.actions import FieldworkAction
from fieldwork.followup_forms import (
    CompleteFollowUpForm,
    FollowUpFilterForm,
    OpenFollowUpForm,
    RecheckForm,
    StepForm,
)
from fieldwork.models import FollowUpKind, FollowUpStatus, InspectionState
from fieldwork.selectors import follow_ups_visible_to, get_inspection_for_user, with_overdue
from fieldwork.selectors.followups import (
    AFTER_REVIEW,
    close_blockers,
    opened_date,
    rechecks_of,
    result_needs_follow_up,
)
from fieldwork.selectors.records import latest
from fieldwork.services import followups as services

LIST_ROLES = (Role.PLANNER, Role.DEPARTMENT_ADMIN, Role.LEGAL_REVIEWER)

# --- one inspection -----------------------------------------------------------------------------


def _page(request, inspection, *, bound: dict | None = None):
    """The inspection's follow-ups; `bound` holds the form that was just submitted with errors,
    keyed as ("open",), ("recheck", pk), ("complete", pk), ("close",) or ("archive",)."""
    bound = bound or {}
    user = request.user
    reviewed = inspection.state == InspectionState.REVIEWED
    may_record = reviewed and may_record_follow_ups(user, inspection)
    lead = is_lead_staff(user, inspection)
    rows = []
    for follow_up in with_overdue(
        inspection.follow_ups.select_related("opened_record", "completed_record", "created_by")
    ).order_by("pk"):
        is_open = follow_up.status == FollowUpStatus.OPEN
        rows.append(
            {
                "follow_up": follow_up,
                "opened_on": opened_date(follow_up),
                "rechecks": rechecks_of(follow_up),
                "recheck_form": (bound.get(("recheck", follow_up.pk)) or RecheckForm())
                if may_record and is_open and follow_up.kind == FollowUpKind.RECTIFY
                else None,
                "complete_form": (bound.get(("complete", follow_up.pk)) or CompleteFollowUpForm())
                if may_record and is_open
                else None,
            }
        )
    result = latest(inspection, "result")
    return render(
        request,
        "fieldwork/followups/inspection.html",
        {
            "inspection": inspection,
            "result": result,
            "needs_follow_up": result_needs_follow_up(inspection),
            "before_review": inspection.state not in AFTER_REVIEW,
            "rows": rows,
            "open_form": (bound.get(("open",)) or OpenFollowUpForm()) if may_record else None,
            "close_form": (bound.get(("close",)) or StepForm()) if lead and reviewed else None,
            "close_blockers": close_blockers(inspection) if reviewed else [],
            "archive_form": (bound.get(("archive",)) or StepForm())
            if lead and inspection.state == InspectionState.CLOSED
            else None,
            "may_record": may_record_follow_ups(user, inspection),
        },
    )


@login_required
def follow_ups(request, pk: int):
    return _page(request, get_inspection_for_user(request.user, pk))


def _submit(request, inspection, key, form, call, done: str):
    """Run the service with the form's data; on success say so and go back to the page."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("fieldwork:followups", args=[inspection.pk]))
    return _page(request, inspection, bound={key: form})


@require_POST
@login_required
def follow_up_open(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk)
    return _submit(
        request,
        inspection,
        ("open",),
        OpenFollowUpForm(request.POST),
        lambda data: services.open_follow_up(actor=request.user, inspection=inspection, **data),
        "已登记后续处置",
    )


def _follow_up(request, pk: int, follow_up_pk: int):
    inspection = get_inspection_for_user(request.user, pk)
    return inspection, get_object_or_404(inspection.follow_ups, pk=follow_up_pk)


@require_POST
@login_required
def follow_up_recheck(request, pk: int, follow_up_pk: int):
    inspection, follow_up = _follow_up(request, pk, follow_up_pk)
    return _submit(
        request,
        inspection,
        ("recheck", follow_up.pk),
        RecheckForm(request.POST),
        lambda data: services.recheck_follow_up(actor=request.user, follow_up=follow_up, **data),
        "已记录复查情况",
    )


@require_POST
@login_required
def follow_up_complete(request, pk: int, follow_up_pk: int):
    inspection, follow_up = _follow_up(request, pk, follow_up_pk)
    return _submit(
        request,
        inspection,
        ("complete", follow_up.pk),
        CompleteFollowUpForm(request.POST),
        lambda data: services.complete_follow_up(actor=request.user, follow_up=follow_up, **data),
        "后续处置已完成",
    )


@require_POST
@login_required
def inspection_close(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk)
    return _submit(
        request,
        inspection,
        ("close",),
        StepForm(request.POST),
        lambda data: services.close_inspection(actor=request.user, inspection=inspection, **data),
        "检查已办结",
    )


@require_POST
@login_required
def inspection_archive(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk)
    return _submit(
        request,
        inspection,
        ("archive",),
        StepForm(request.POST),
        lambda data: services.archive_inspection(actor=request.user, inspection=inspection, **data),
        "检查已归档",
    )


# --- the department's list ----------------------------------------------------------------------


def _filtered(request):
    form = FollowUpFilterForm(request.GET or None)
    rows = with_overdue(follow_ups_visible_to(request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["overdue"]:
            rows = rows.filter(overdue=True)
        if data["q"]:
            rows = rows.filter(
                Q(inspection__firm_name__icontains=data["q"])
                | Q(inspection__code__icontains=data["q"])
                | Q(inspection__firm_uscc=data["q"].upper())
            )
    rows = rows.select_related("created_by").order_by("-status", "due_on", "inspection__code", "pk")
    return form, rows


@role_required(*LIST_ROLES)
def follow_up_list(request):
    form, rows = _filtered(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fieldwork/followups/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
    )


EXPORT_HEADERS = [
    "检查编号", "检查对象", "统一社会信用代码", "抽查任务", "处置方式", "移送/抄告机关", "处置内容",
    "登记日期", "完成期限", "状态", "是否逾期", "完成日期", "处置结果", "登记人",
]  # fmt: skip


def _export_rows(rows):
    for f in rows.iterator(chunk_size=500):
        yield [
            f.inspection.code,
            f.inspection.firm_name,
            f.inspection.firm_uscc,
            f.inspection.task.code,
            f.get_kind_display(),
            f.authority,
            f.details,
            f.opened_record.content.get("opened_on", ""),
            f.due_on.isoformat() if f.due_on else "",
            f.get_status_display(),
            "是" if f.overdue else "否",
            f.completed_on.isoformat() if f.completed_on else "",
            f.outcome,
            str(f.created_by),
        ]


@role_required(*LIST_ROLES)
def follow_up_export(request):
    form, rows = _filtered(request)
    buffer = io.BytesIO()
    count = write_xlsx(
        buffer, headers=EXPORT_HEADERS, rows=_export_rows(rows), sheet_title="后续处置"
    )
    record_event(
        action=FieldworkAction.FOLLOW_UP_EXPORT,
        actor=request.user,
        object_type="fieldwork.followup",
        detail={"rows": count, "filters": request.GET.dict()},
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="follow-ups-{stamp}.xlsx"'
    return response
