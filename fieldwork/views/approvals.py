"""行政检查审批 on the pages: the head's list of inspections waiting, the approval, and the
team's emergency start."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from backend.text import chinese_date
from fieldwork.access import is_member
from fieldwork.forms import ApprovalForm, EmergencyStartForm
from fieldwork.models import ApprovalState
from fieldwork.selectors import approvals_waiting_for, get_inspection_for_user
from fieldwork.services import approvals
from fieldwork.views.inspections import render_inspection
from inspections.planning.models import InspectionType

STATE_FILTERS = [
    ("", "全部待审批"),
    (ApprovalState.PENDING, "实施前审批"),
    (ApprovalState.EMERGENCY, "紧急先行检查，待补办"),
    ("overdue", "补办审批已超期"),
]


def _rows(request, bound=None):
    today = timezone.localdate()
    rows = []
    waiting = approvals_waiting_for(
        request.user,
        search=request.GET.get("q", ""),
        inspection_type=request.GET.get("type", ""),
        approval_state=request.GET.get("state", ""),
    )
    for inspection in waiting[:200]:
        form = None
        if bound is not None and bound[0] == inspection.pk:
            form = bound[1]
        elif not is_member(request.user, inspection):
            form = ApprovalForm(
                initial={"idempotency_key": uuid.uuid4()}, auto_id=f"approve-{inspection.pk}-%s"
            )
        rows.append(
            {
                "inspection": inspection,
                "overdue": inspection.approval_overdue(today),
                "form": form,
            }
        )
    return rows, waiting.count()


def _render_list(request, *, bound=None, status=200):
    rows, total = _rows(request, bound)
    return render(
        request,
        "fieldwork/approval_list.html",
        {
            "rows": rows,
            "total": total,
            "types": InspectionType.choices,
            "states": STATE_FILTERS,
            "q": request.GET.get("q", ""),
            "type": request.GET.get("type", ""),
            "state": request.GET.get("state", ""),
        },
        status=status,
    )


@role_required(Role.DEPARTMENT_ADMIN)
def approval_list(request):
    return _render_list(request)


@require_POST
@role_required(Role.DEPARTMENT_ADMIN)
def approve(request, pk: int):
    """The head approves; a refusal comes back on the page the form was on."""
    inspection = get_inspection_for_user(request.user, pk)
    from_list = request.POST.get("from") == "list"
    form = ApprovalForm(request.POST, auto_id=f"approve-{inspection.pk}-%s")
    status = 200
    if form.is_valid():
        try:
            record = approvals.approve_inspection(
                actor=request.user,
                inspection=inspection,
                opinion=form.cleaned_data["opinion"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                cap_reason=form.cleaned_data["cap_reason"],
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
                return redirect("fieldwork:approval-list")
            return redirect("fieldwork:inspection", pk=inspection.pk)
    if from_list:
        return _render_list(request, bound=(inspection.pk, form), status=status)
    inspection.refresh_from_db()
    return render_inspection(request, inspection, approval_form=form, status=status)


@require_POST
@role_required(Role.INSPECTOR)
def emergency_start(request, pk: int):
    """A team member starts before the approval, saying why; the deadline is shown at once."""
    inspection = get_inspection_for_user(request.user, pk)
    form = EmergencyStartForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            approvals.start_in_emergency(
                actor=request.user,
                inspection=inspection,
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            inspection.refresh_from_db()
            messages.warning(
                request,
                f"已紧急先行检查{inspection.code}，请于{chinese_date(inspection.approval_due)}前"
                "报发起部门负责人补办审批。",
            )
            return redirect("fieldwork:inspection", pk=inspection.pk)
    inspection.refresh_from_db()
    return render_inspection(request, inspection, emergency_form=form, status=status)
