"""Fieldwork's lines of the home pages' to-do list (backend.accounts.todo)."""

from django.urls import reverse
from django.utils import timezone

from backend.accounts.roles import Role
from backend.accounts.todo import TodoItem
from fieldwork.models import ApprovalState, InspectionState
from fieldwork.selectors import approvals_waiting_for, follow_ups_due, inspections_visible_to


def fieldwork_todo(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    if user.has_role(Role.DEPARTMENT_ADMIN):
        waiting = approvals_waiting_for(user)
        count = waiting.count()
        if count:
            overdue = waiting.filter(
                approval_state=ApprovalState.EMERGENCY, approval_due__lt=timezone.localdate()
            ).count()
            note = f"其中 {overdue} 项紧急检查逾期未补批" if overdue else ""
            items.append(
                TodoItem(
                    "检查待审批",
                    count,
                    reverse("fieldwork:approval-list"),
                    note=note,
                    urgent=bool(overdue),
                    order=40,
                )
            )
        submitted = (
            inspections_visible_to(user)
            .filter(state=InspectionState.SUBMITTED, task__department_id=user.department_id)
            .count()
        )
        if submitted:
            items.append(
                TodoItem("检查结果待审核", submitted, reverse("fieldwork:review-list"), order=45)
            )
    if user.has_role(Role.PLANNER, Role.DEPARTMENT_ADMIN):
        due = follow_ups_due(user)
        overdue = due.filter(overdue=True).count()
        if overdue:
            items.append(
                TodoItem(
                    "后续处置已逾期",
                    overdue,
                    reverse("fieldwork:followup-list"),
                    urgent=True,
                    order=60,
                )
            )
    return items
