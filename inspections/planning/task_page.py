"""The parts that later steps add to a task's page.

The task page is planning's, but its card of the task's draws belongs to the draws step, which
planning may not import. So the later step registers a section (InspectionsConfig.ready()): a
template included in the page's body, optionally one in its head, and a function giving their
context. The same inverted hook as the start handler fieldwork registers with
`inspections.planning.services.task_transitions`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TaskPageSection:
    template: str
    # Called with task=, user= and is_lead_planner=; returns the templates' context.
    context: Callable[..., dict]
    head_template: str = ""


_sections: list[TaskPageSection] = []


def register_task_page_section(section: TaskPageSection) -> None:
    """Add `section` to every task page, after the ones registered before it (once)."""
    if section not in _sections:
        _sections.append(section)


def task_page_sections(*, task, user, is_lead_planner: bool) -> dict:
    """The registered sections' context for one task page, with `task_sections` (the body
    templates) and `task_section_heads` (the head templates) for the page to include."""
    context: dict = {}
    for section in _sections:
        context.update(section.context(task=task, user=user, is_lead_planner=is_lead_planner))
    context["task_sections"] = [s.template for s in _sections]
    context["task_section_heads"] = [s.head_template for s in _sections if s.head_template]
    return context
