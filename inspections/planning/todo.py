"""Planning's lines of the home pages' to-do list (backend.accounts.todo)."""

from django.urls import reverse

from backend.accounts.roles import Role
from backend.accounts.todo import TodoItem
from inspections.planning.models import PlanStatus, TaskStatus
from inspections.planning.selectors import invitations_for, plans_visible_to, tasks_visible_to

# A draw announced and not yet performed: the lead planner performs it.
_ANNOUNCED = (TaskStatus.FIRMS_ANNOUNCED, TaskStatus.TEAMS_ANNOUNCED)


def _plans_link(plans) -> str:
    """The plan itself when only one waits, the list otherwise."""
    first = plans[0]
    if len(plans) == 1:
        return reverse("plans:detail", args=[first.pk])
    return reverse("plans:list")


def planning_todo(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    own_plans = plans_visible_to(user).filter(department_id=user.department_id)
    if user.has_role(Role.DEPARTMENT_ADMIN):
        waiting = list(own_plans.filter(status=PlanStatus.SUBMITTED).order_by("-year"))
        if waiting:
            items.append(TodoItem("年度计划待审批", len(waiting), _plans_link(waiting), order=10))
    if user.has_role(Role.PLANNER):
        approved = list(own_plans.filter(status=PlanStatus.APPROVED).order_by("-year"))
        if approved:
            items.append(
                TodoItem("年度计划已批准，待发布", len(approved), _plans_link(approved), order=10)
            )
    invitations = list(invitations_for(user))
    if invitations:
        url = (
            reverse("tasks:confirm", args=[invitations[0].task_id])
            if len(invitations) == 1
            else reverse("tasks:list")
        )
        items.append(TodoItem("联合抽查邀请待确认", len(invitations), url, order=20))
    if user.has_role(Role.PLANNER):
        draws = list(
            tasks_visible_to(user)
            .filter(department_id=user.department_id, status__in=_ANNOUNCED)
            .order_by("window_start", "code")
        )
        if draws:
            url = (
                reverse("tasks:detail", args=[draws[0].pk])
                if len(draws) == 1
                else reverse("tasks:list")
            )
            items.append(TodoItem("已公告、待进行的抽取", len(draws), url, order=30))
    return items
