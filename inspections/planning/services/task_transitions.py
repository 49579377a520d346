"""The one place a sampling task changes state.

`transition_task` follows `TRANSITIONS`, refuses any other move in Chinese, writes an
append-only `TaskTransition` and one audit event. The draws call it for firms_announced,
firms_drawn, teams_announced and teams_drawn; the named services below are the planner's steps.

Starting a task (teams drawn → in progress) opens its inspections, which belong to the fieldwork
app that this app must not import: fieldwork registers the function that does both
(`register_start_handler`, from its AppConfig.ready()), and `start_task` calls it, so that the
API, the pages and the demo all start a task the same way.

What keeps a task from moving is for the step that owns it to say, through
`inspections.planning.selectors.register_transition_blockers`: a draw left half done keeps it
from starting (the draws), an inspection not yet reviewed keeps it from 检查结果已审核
(fieldwork), a result not yet published keeps it from 检查结果已公示 (disclosure).
`transition_task` asks them on every move, so the API, the pages and the services' own
automatic moves pass the same gate.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.services import record_event
from backend.organisation.bodies import check_registered
from inspections.planning.access import lock_task, require_lead_planner
from inspections.planning.actions import PlanningAction
from inspections.planning.checks import check_team, published_versions
from inspections.planning.models import SamplingTask, TaskStatus, TaskTransition
from inspections.planning.selectors import transition_blockers

StartHandler = Callable[..., Any]
_start_handler: StartHandler | None = None


def _check_ready_to_announce(task: SamplingTask) -> None:
    participations = list(task.participations.select_related("department"))
    waiting = [p.department.name for p in participations if not p.is_confirmed]
    if waiting:
        raise ValidationError(
            {"non_field_errors": f"{'、'.join(waiting)}尚未确认参与，不能公告抽取"},
            code="departments_unconfirmed",
        )
    check_registered([p.department for p in participations])
    check_team(participations)
    published_versions(list(task.items.all()))


def _check_unblocked(task: SamplingTask, to: str) -> None:
    blockers = transition_blockers(task, to)
    if blockers:
        code, message = blockers[0]
        raise ValidationError({"non_field_errors": message}, code=code)


@transaction.atomic
def transition_task(*, actor, task: SamplingTask, to: str, reason: str = "") -> SamplingTask:
    """Move `task` to state `to` if TRANSITIONS allows it; record who, when and why."""
    task = lock_task(task)
    require_lead_planner(actor, task)
    if to not in TaskStatus.values:
        raise ValidationError({"to": f"未知的任务状态：{to}"}, code="unknown_status")
    if to not in task.allowed_next:
        raise ValidationError(
            {
                "non_field_errors": f"抽查任务{task.code}当前为“{task.get_status_display()}”，"
                f"不能变更为“{TaskStatus(to).label}”"
            },
            code="invalid_transition",
        )
    reason = (reason or "").strip()
    if to == TaskStatus.ABANDONED and not reason:
        raise ValidationError({"reason": "终止抽查任务须说明原因"})
    if to == TaskStatus.FIRMS_ANNOUNCED:
        _check_ready_to_announce(task)
    _check_unblocked(task, to)
    before = task.status
    task.status = to
    task.full_clean()
    task.save(update_fields=["status", "updated_at"])
    TaskTransition.objects.create(
        task=task,
        from_status=before,
        to_status=to,
        actor=actor,
        reason=reason,
        created_at=timezone.now(),
    )
    record_event(
        action=PlanningAction.TASK_TRANSITION,
        actor=actor,
        obj=task,
        detail={"code": task.code, "from": before, "to": to, "reason": reason},
    )
    return task


def abandon_task(*, actor, task: SamplingTask, reason: str) -> SamplingTask:
    """终止: from a draft or an announced state; the task stays on record as abandoned."""
    return transition_task(actor=actor, task=task, to=TaskStatus.ABANDONED, reason=reason)


def register_start_handler(handler: StartHandler) -> None:
    """Name the function that starts a task: `handler(actor=..., task=...)` moves the task to
    in progress with `transition_task` and opens its inspections, in one transaction."""
    global _start_handler
    _start_handler = handler


def start_task(*, actor, task: SamplingTask) -> SamplingTask:
    """开始实施: teams drawn → in progress, with one inspection per drawn firm and its drawn team
    (through the registered start handler, fieldwork's `start_fieldwork`)."""
    if _start_handler is None:
        # Moving the task alone would leave it in progress without a single inspection.
        raise ImproperlyConfigured("no start handler registered: is fieldwork installed?")
    _start_handler(actor=actor, task=task)
    return SamplingTask.objects.get(pk=task.pk)


def review_task(*, actor, task: SamplingTask, reason: str = "") -> SamplingTask:
    """In progress → results reviewed, once every inspection is reviewed or closed."""
    return transition_task(actor=actor, task=task, to=TaskStatus.RESULTS_REVIEWED, reason=reason)


def publish_task(*, actor, task: SamplingTask) -> SamplingTask:
    """Results reviewed → published (公示), once every inspection's result is published."""
    return transition_task(actor=actor, task=task, to=TaskStatus.PUBLISHED)


def archive_task(*, actor, task: SamplingTask) -> SamplingTask:
    """Published → archived."""
    return transition_task(actor=actor, task=task, to=TaskStatus.ARCHIVED)
