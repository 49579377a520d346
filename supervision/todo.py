"""Supervision's line of the home pages' to-do list (backend.accounts.todo)."""

from django.urls import reverse
from django.utils import timezone

from backend.accounts.roles import Role
from backend.accounts.todo import TodoItem
from supervision.selectors import opinions_visible_to


def supervision_todo(user) -> list[TodoItem]:
    if not user.has_role(Role.DEPARTMENT_ADMIN):
        return []
    waiting = opinions_visible_to(user).filter(answer__isnull=True)
    count = waiting.count()
    if not count:
        return []
    overdue = waiting.filter(due_on__lt=timezone.localdate()).count()
    return [
        TodoItem(
            "监督意见待答复",
            count,
            reverse("supervision:department-opinions"),
            note=f"其中 {overdue} 件已逾期" if overdue else "",
            urgent=bool(overdue),
            order=80,
        )
    ]
