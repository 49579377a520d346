"""The lead department head's review of submitted results (同意 / 不同意 with an opinion)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.listing import xlsx_export
from fieldwork.access import is_member
from fieldwork.forms import ReviewForm
from fieldwork.models import InspectionState, RecordKind
from fieldwork.selectors import get_inspection_for_user, inspections_visible_to
from fieldwork.selectors.records import latest
from fieldwork.services import records
from fieldwork.views.checklist import result_labels
from fieldwork.views.inspections import render_inspection


def _submitted(request):
    """The results waiting for this department's review, as the list's filter chooses them
    (the page and its export)."""
    user = request.user
    submitted = (
        inspections_visible_to(user)
        .filter(state=InspectionState.SUBMITTED, task__department_id=user.department_id)
        .select_related("task")
        .prefetch_related("members__officer")
        .order_by("updated_at", "code")
    )
    q = request.GET.get("q", "").strip()[:100]
    if q:
        submitted = submitted.filter(
            Q(code__icontains=q)
            | Q(firm_name__icontains=q)
            | Q(firm_uscc__icontains=q)
            | Q(task__code__icontains=q)
            | Q(task__name__icontains=q)
        )
    return submitted, q


def _rows(request, bound=None):
    user = request.user
    submitted, _q = _submitted(request)
    rows = []
    for inspection in submitted:
        form = None
        if bound is not None and bound[0] == inspection.pk:
            form = bound[1]
        elif not is_member(user, inspection):
            form = ReviewForm(
                initial={"idempotency_key": uuid.uuid4()}, auto_id=f"review-{inspection.pk}-%s"
            )
        rows.append(
            {
                "inspection": inspection,
                "results": result_labels(inspection.result_codes),
                "submitted": latest(inspection, RecordKind.SUBMITTED),
                "form": form,
            }
        )
    return rows


def _recent(user):
    return inspections_visible_to(user).filter(reviewed_by=user).order_by("-reviewed_at")[:20]


@role_required(Role.DEPARTMENT_ADMIN)
def review_list(request):
    _submitted_rows, q = _submitted(request)
    return render(
        request,
        "fieldwork/review_list.html",
        {"rows": _rows(request), "q": q, "recent": _recent(request.user)},
    )


REVIEW_EXPORT_HEADERS = [
    "检查编号",
    "被检查对象",
    "统一社会信用代码",
    "抽查任务",
    "任务名称",
    "检查组",
    "检查结果",
    "提交时间",
    "提交人",
]


@role_required(Role.DEPARTMENT_ADMIN)
def review_list_export(request):
    submitted, _q = _submitted(request)

    def row(inspection):
        record = latest(inspection, RecordKind.SUBMITTED)
        return [
            inspection.code,
            inspection.firm_name,
            inspection.firm_uscc,
            inspection.task.code,
            inspection.task.name,
            "、".join(m.officer.name for m in inspection.members.all()),
            "；".join(result_labels(inspection.result_codes)),
            timezone.localtime(record.recorded_at).strftime("%Y-%m-%d %H:%M") if record else "",
            str(record.recorded_by) if record else "",
        ]

    return xlsx_export(
        request,
        name="result-review",
        title="待审核的检查结果",
        headers=REVIEW_EXPORT_HEADERS,
        rows=submitted,
        row=row,
        list_url=reverse("fieldwork:review-list"),
    )


@require_POST
@role_required(Role.DEPARTMENT_ADMIN)
def review(request, pk: int):
    """Post the review; a refusal comes back on the page the form was on."""
    inspection = get_inspection_for_user(request.user, pk)
    from_list = request.POST.get("from") == "list"
    auto_id = f"review-{inspection.pk}-%s" if from_list else "review-%s"
    form = ReviewForm(request.POST, auto_id=auto_id)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = records.review_result(
                actor=request.user,
                inspection=inspection,
                agree=data["decision"] == "agree",
                opinion=data["opinion"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            messages.success(
                request,
                f"检查{inspection.code}：{record.content['decision_label']}"
                f"（第{record.sequence}条记录）。",
            )
            if from_list:
                return redirect("fieldwork:review-list")
            return redirect("fieldwork:inspection", pk=inspection.pk)
    if from_list:
        return render(
            request,
            "fieldwork/review_list.html",
            {
                "rows": _rows(request, bound=(inspection.pk, form)),
                "recent": _recent(request.user),
            },
            status=status,
        )
    inspection.refresh_from_db()
    return render_inspection(request, inspection, review_form=form, status=status)
