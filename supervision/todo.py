"""Supervision's lines of the home pages' to-do list (backend.accounts.todo): the department
administrator's opinions to answer; the supervisor's warnings and the opinions still unanswered."""

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from backend.accounts.roles import Role
from backend.accounts.todo import TodoItem
from supervision import alerts
from supervision.models import OpinionState
from supervision.selectors import opinions_visible_to

# The warnings are read across every department: one count a few minutes old serves every
# supervisor's home (the warnings page itself counts them afresh).
WARNINGS_CACHE_SECONDS = 300


def supervision_todo(user) -> list[TodoItem]:
    if user.has_role(Role.SUPERVISOR):
        return _supervisor_todo(user)
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


def open_warnings(today) -> int:
    """How many warnings the supervisor's page shows by default (every kind, since its start)."""
    key = f"supervision-todo-warnings:{today.isoformat()}"
    total = cache.get(key)
    if total is None:
        found = alerts.find_warnings(alerts.Filters(since=alerts.default_since(today)), today=today)
        total = found.total
        cache.set(key, total, WARNINGS_CACHE_SECONDS)
    return total


def _supervisor_todo(user) -> list[TodoItem]:
    today = timezone.localdate()
    opinions = opinions_visible_to(user).filter(answer__isnull=True)
    pending = opinions.filter(due_on__gte=today).count()
    overdue = opinions.filter(due_on__lt=today).count()
    base = reverse("supervision:opinions")
    return [
        TodoItem("监督预警", open_warnings(today), reverse("supervision:warnings"), order=10),
        TodoItem(
            "监督意见逾期未答复",
            overdue,
            f"{base}?state={OpinionState.OVERDUE}",
            urgent=True,
            order=20,
        ),
        TodoItem("监督意见等待部门答复", pending, f"{base}?state={OpinionState.PENDING}", order=30),
    ]
