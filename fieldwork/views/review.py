"""The lead department head's review of submitted results (同意 / 不同意 with an opinion)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from backend.forms import apply_service_errors
from fieldwork.access import is_member
from fieldwork.forms import ReviewForm
from fieldwork.models import InspectionState, RecordKind
from fieldwork.selectors import get_inspection_for_user, inspections_visible_to
from fieldwork.selectors.records import latest
from fieldwork.services import records
from fieldwork.views.checklist import result_labels
from fieldwork.views.inspections import render_inspection


def _rows(user, bound=None):
    submitted = (
        inspections_visible_to(user)
        .filter(state=InspectionState.SUBMITTED, task__department_id=user.department_id)
        .prefetch_related("members__officer")
        .order_by("updated_at", "code")
    )
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
    return render(
        request,
        "fieldwork/review_list.html",
        {"rows": _rows(request.user), "recent": _recent(request.user)},
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
                "rows": _rows(request.user, bound=(inspection.pk, form)),
                "recent": _recent(request.user),
            },
            status=status,
        )
    inspection.refresh_from_db()
    return render_inspection(request, inspection, review_form=form, status=status)
