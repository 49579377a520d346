"""Who may act on a task (or on the plan it comes from), and the task's row held for a write.

Public, because the draws step acts on tasks too: its services and draw jobs check the same
lead planner and lock the same row as planning's own services (style.md, rule 16).
"""

from django.core.exceptions import PermissionDenied

from backend.accounts.roles import Role
from inspections.planning.models import SamplingTask


def require_lead_planner(actor, task_or_plan) -> None:
    """Refuse anyone but a planner of the task's (or plan's) lead department; `actor=None`, the
    system itself, may act."""
    if actor is None:
        return
    department = task_or_plan.department
    if not actor.has_role(Role.PLANNER) or actor.department_id != department.pk:
        raise PermissionDenied(f"只有发起部门（{department.name}）的计划人员可以操作该抽查任务")


def lock_task(task: SamplingTask) -> SamplingTask:
    """The task read again with its row locked until the caller's transaction ends, so that two
    writes to one task (a draw and an edit, two draws) take turns."""
    # The task's row alone: locking the joined department and plan too would make a task
    # opened meanwhile in the same plan wait at its commit (its foreign keys are checked
    # then) while holding the audit chain's lock that this transaction needs: a deadlock.
    return (
        SamplingTask.objects.select_for_update(of=("self",))
        .select_related("department", "plan")
        .get(pk=task.pk)
    )
