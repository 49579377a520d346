"""Disclosure's line of the home pages' to-do list (backend.accounts.todo)."""

from django.urls import reverse

from backend.accounts.todo import TodoItem
from disclosure.selectors import due_counts, may_publish


def disclosure_todo(user) -> list[TodoItem]:
    if not may_publish(user):
        return []
    due, overdue = due_counts(user.department)
    url = reverse("publishing:due")
    return [
        TodoItem("检查结果逾期未公示", overdue, url, urgent=True, order=55),
        TodoItem("检查结果待公示", due, url, order=56),
    ]
