"""The one place a sampling task changes state.

`transition_task` follows `TRANSITIONS`, refuses any other move in Chinese, writes an
append-only `TaskTransition` and one audit event. The draws call it for firms_announced,
firms_drawn, teams_announced and teams_drawn; the named services below are the planner's steps.

Starting a task (teams drawn → in progress) opens its inspections, which belong to the fieldwork
app that this app must not import: fieldwork registers the function that does both
(`register_start_handler`, from its AppConfig.ready()), and `start_task` calls it, so that the
API, the pages and the demo all start a task the same way.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from backend.audit.services import record_event
from inspections.models import (
    TRANSITIONS,
    DrawStatus,
    SamplingTask,
    TaskStatus,
    TaskTransition,
)
from inspections.services.plans import published_versions
from inspections.services.task_checks import check_team
from inspections.services.tasks import _locked, _require_lead_planner
from inspections.teams import firms_awaiting_team

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
    check_team(participations)
    published_versions(list(task.items.all()))


def start_blockers(task: SamplingTask) -> list[tuple[str, str]]:
    """(code, message) for each draw left half done, which keeps the task from starting: once
    the inspections are open, a firm replacement (and the team for it) can no longer be drawn.
    The fieldwork page shows them in place of its 开始实施 button."""
    blockers = []
    for pending in task.draws.select_related("replaces").filter(status=DrawStatus.ANNOUNCED):
        what = f"{pending.get_purpose_display()}抽取{pending.public_id}"
        if pending.replaces is not None:
            what = f"递补{what}（替代{pending.replaces.public_id}）"
        blockers.append(
            (
                "draw_pending",
                f"{what}已公告、尚未进行，请先进行或作废该抽取，再开始实施抽查任务{task.code}",
            )
        )
    for draw in firms_awaiting_team(task):
        blockers.append(
            (
                "replacement_team_pending",
                f"递补抽取{draw.public_id}抽中的检查对象尚未抽取检查人员，"
                f"请先为其抽取检查人员，再开始实施抽查任务{task.code}",
            )
        )
    return blockers


def _check_ready_to_start(task: SamplingTask) -> None:
    blockers = start_blockers(task)
    if blockers:
        code, message = blockers[0]
        raise ValidationError({"non_field_errors": message}, code=code)


@transaction.atomic
def transition_task(*, actor, task: SamplingTask, to: str, reason: str = "") -> SamplingTask:
    """Move `task` to state `to` if TRANSITIONS allows it; record who, when and why."""
    task = _locked(task)
    _require_lead_planner(actor, task)
    if to not in TaskStatus.values:
        raise ValidationError({"to": f"未知的任务状态：{to}"}, code="unknown_status")
    if to not in TRANSITIONS[task.status]:
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
    if to == TaskStatus.IN_PROGRESS:
        _check_ready_to_start(task)
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
        action="tasks.transition",
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
    """In progress → results reviewed."""
    return transition_task(actor=actor, task=task, to=TaskStatus.RESULTS_REVIEWED, reason=reason)


def publish_task(*, actor, task: SamplingTask) -> SamplingTask:
    """Results reviewed → published (公示)."""
    return transition_task(actor=actor, task=task, to=TaskStatus.PUBLISHED)


def archive_task(*, actor, task: SamplingTask) -> SamplingTask:
    """Published → archived."""
    return transition_task(actor=actor, task=task, to=TaskStatus.ARCHIVED)
