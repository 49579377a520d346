"""Writes of plans and tasks: each one validated, atomic and audited."""

from inspections.planning.services.plan_workflow import (
    approve_plan,
    file_plan,
    publish_plan,
    return_plan,
    revise_plan,
    submit_plan,
    update_planning_settings,
)
from inspections.planning.services.plans import (
    add_plan_line,
    generate_annual_plan,
    remove_plan_line,
    update_plan,
    update_plan_line,
)
from inspections.planning.services.task_transitions import (
    abandon_task,
    archive_task,
    publish_task,
    review_task,
    start_task,
    transition_task,
)
from inspections.planning.services.tasks import (
    confirm_participation,
    invite_department,
    open_task,
    update_task,
    withdraw_invitation,
)

__all__ = [
    "abandon_task",
    "add_plan_line",
    "approve_plan",
    "archive_task",
    "confirm_participation",
    "file_plan",
    "generate_annual_plan",
    "invite_department",
    "open_task",
    "publish_plan",
    "publish_task",
    "remove_plan_line",
    "return_plan",
    "review_task",
    "revise_plan",
    "start_task",
    "submit_plan",
    "transition_task",
    "update_plan",
    "update_plan_line",
    "update_planning_settings",
    "update_task",
    "withdraw_invitation",
]
