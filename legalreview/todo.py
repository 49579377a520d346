"""Legal review's line of the home pages' to-do list (backend.accounts.todo)."""

from django.urls import reverse

from backend.accounts.todo import TodoItem
from legalreview.selectors import review_queue


def legalreview_todo(user) -> list[TodoItem]:
    rows = review_queue(user)  # a legal reviewer's open rounds, the earliest deadline first
    if not rows:
        return []
    overdue = sum(1 for row in rows if row.overdue)
    note = f"最早 {rows[0].deadline.due:%Y年%-m月%-d日} 到期"
    if overdue:
        note += f"，{overdue} 件已超过审核时限"
    return [
        TodoItem(
            "法制审核待办",
            len(rows),
            reverse("legalreview:queue"),
            note=note,
            urgent=bool(overdue),
            order=50,
        )
    ]
