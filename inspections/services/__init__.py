"""Writes of the inspections app: each one validated, atomic and audited."""

from inspections.services.firms import create_firm, update_firm
from inspections.services.items import (
    create_item,
    publish_item_version,
    retire_item,
    revise_item,
    set_item_firm_list,
    update_draft,
)
from inspections.services.plan_workflow import (
    approve_plan,
    file_plan,
    publish_plan,
    return_plan,
    revise_plan,
    submit_plan,
    update_planning_settings,
)
from inspections.services.plans import (
    add_plan_line,
    generate_annual_plan,
    remove_plan_line,
    update_plan,
    update_plan_line,
)
from inspections.services.task_transitions import (
    abandon_task,
    archive_task,
    publish_task,
    review_task,
    start_task,
    transition_task,
)
from inspections.services.tasks import (
    confirm_participation,
    invite_department,
    open_task,
    update_task,
)

__all__ = [
    "abandon_task",
    "add_plan_line",
    "approve_plan",
    "archive_task",
    "confirm_participation",
    "create_firm",
    "create_item",
    "file_plan",
    "generate_annual_plan",
    "invite_department",
    "open_task",
    "publish_item_version",
    "publish_plan",
    "publish_task",
    "remove_plan_line",
    "retire_item",
    "return_plan",
    "review_task",
    "revise_item",
    "revise_plan",
    "set_item_firm_list",
    "start_task",
    "submit_plan",
    "transition_task",
    "update_draft",
    "update_firm",
    "update_plan",
    "update_plan_line",
    "update_planning_settings",
    "update_task",
]
