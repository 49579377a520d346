"""A task's inspections, with their states and results, and the planner's 开始实施."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.roles import Role
from fieldwork.models import InspectionState
from fieldwork.selectors import inspections_visible_to
from fieldwork.services.inspections import start_fieldwork
from fieldwork.views.checklist import result_labels
from inspections.planning.models import TaskStatus
from inspections.planning.selectors import PLANNING_ROLES, get_task_for_user, start_blockers


@role_required(*PLANNING_ROLES)
def task_inspections(request, pk: int):
    task = get_task_for_user(request.user, pk)
    inspections = list(
        inspections_visible_to(request.user)
        .filter(task=task)
        .prefetch_related("members__officer", "members__department")
        .order_by("code")
    )
    states = Counter(i.state for i in inspections)
    can_start = (
        request.user.has_role(Role.PLANNER)
        and request.user.department_id == task.department_id
        and TaskStatus.IN_PROGRESS in task.allowed_next  # teams drawn, or a 个案's draft
    )
    return render(
        request,
        "fieldwork/task.html",
        {
            "task": task,
            "rows": [(i, result_labels(i.result_codes)) for i in inspections],
            "states": [(label, states[value]) for value, label in InspectionState.choices],
            "can_start": can_start,
            "start_blockers": [m for _code, m in start_blockers(task)] if can_start else [],
        },
    )


@require_POST
@role_required(Role.PLANNER)
def task_start(request, pk: int):
    """开始实施: teams drawn → in progress, one inspection per drawn firm."""
    task = get_task_for_user(request.user, pk)
    try:
        opened = start_fieldwork(actor=request.user, task=task)
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, f"抽查任务{task.code}开始实施，已建立 {len(opened)} 项检查。")
    return redirect("fieldwork:task", pk=task.pk)
