"""Writes to sampling tasks (抽查任务): open and edit a draft, invite and confirm participating
departments. Changes of state are in `task_transitions`.

The lead department's planner opens, edits and moves a task; a participating department's
planner or administrator confirms its own seats. `actor=None` is the system.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.organisation.bodies import check_registered
from backend.organisation.models import Department
from backend.text import strip_invisible
from inspections.directory.models import InspectionItemVersion
from inspections.planning import rules
from inspections.planning.access import lock_task, require_lead_planner
from inspections.planning.actions import PlanningAction
from inspections.planning.checks import (
    check_quotas,
    check_staffed,
    check_team,
    check_window,
    clean_basis,
    clean_scope,
    clean_witnesses,
    next_code,
    published_versions,
    task_versions,
)
from inspections.planning.models import (
    AnnualPlan,
    InspectionType,
    ParticipationStatus,
    PlanLine,
    PlanStatus,
    SamplingTask,
    ScopeMode,
    TaskDepartment,
    TaskQuota,
    TaskStatus,
)
from inspections.planning.selectors import scope_counts

EDITABLE_FIELDS = (
    "name",
    "scope_mode",
    "region_code",
    "industry_prefix",
    "tags",
    "flags",
    "statuses",
    "exclusion_months",
    "officer_cap",
    "cross_assignment",
    "window_start",
    "window_end",
    "witnesses",
)


def _require_draft(task: SamplingTask) -> None:
    if task.status != TaskStatus.DRAFT:
        raise ValidationError(
            {
                "non_field_errors": f"抽查任务{task.code}已{task.get_status_display()}，"
                "只有草稿可以修改"
            },
            code="task_not_draft",
        )


def _write_quotas(task: SamplingTask, quotas: Mapping[str, rules.Quota]) -> None:
    task.quotas.all().delete()
    rows = []
    for risk in sorted(quotas):
        row = TaskQuota(
            task=task, risk_class=risk, ratio=quotas[risk].ratio, count=quotas[risk].count
        )
        row.full_clean(exclude=["task"])
        rows.append(row)
    TaskQuota.objects.bulk_create(rows)


def _check_counts_against_scope(task: SamplingTask, quotas: Mapping[str, rules.Quota]) -> None:
    """A fixed count is used as given, so it must not exceed the firms the draw may take."""
    if not any(q.count is not None for q in quotas.values()):
        return
    check_quotas(
        quotas, list(task.items.all()), population=scope_counts(task).eligible_by_stratum()
    )


def _snapshot(task: SamplingTask) -> dict[str, Any]:
    return {
        "code": task.code,
        "items": [f"{v.item.code}v{v.number}" for v in task.items.all()],
        "departments": {p.department.code: p.seats for p in task.participations.all()},
        "quotas": {q.risk_class: q.ratio_percent or q.count for q in task.quotas.all()},
        "window": [task.window_start.isoformat(), task.window_end.isoformat()],
        "scope_mode": task.scope_mode,
        "status": task.status,
        "basis": task.basis,
    }


@transaction.atomic
def open_task(
    *,
    actor,
    plan: AnnualPlan,
    name: str,
    items: Sequence[InspectionItemVersion],
    window_start: date,
    window_end: date,
    seats: Mapping[Department, int],
    quotas: Mapping[str, rules.Quota],
    code: str = "",
    plan_line: PlanLine | None = None,
    scope_mode: str = ScopeMode.UNTARGETED,
    region_code: str = "",
    industry_prefix: str = "",
    tags: Sequence[str] = (),
    flags: Sequence[str] = (),
    statuses: Sequence[str] = (),
    exclusion_months: int = 12,
    officer_cap: int = 5,
    cross_assignment: bool = False,
    witnesses: Sequence[str] = (),
    inspection_type: str = InspectionType.ROUTINE,
    campaign: Mapping[str, Any] | None = None,
    case: Mapping[str, Any] | None = None,
) -> SamplingTask:
    """A new draft task of a published plan, led by the plan's department.

    `seats` gives each department's officers per team, the lead's included; the other
    departments are invited and confirm their seats themselves. A 专项 task states its
    approval in `campaign` (authority, document, approved_on, published_on); a 个案 task its
    trigger in `case` (trigger, reference, firm, officers: certificate numbers). A 专项 or 个案
    task is filed under the department's published plan of its year, outside its lines.
    """
    plan = AnnualPlan.objects.select_related("department").get(pk=plan.pk)
    require_lead_planner(actor, plan)
    if plan.status != PlanStatus.PUBLISHED:
        raise ValidationError(
            {
                "plan": f"年度计划（第{plan.version}版）{plan.get_status_display()}，"
                "发布后方可发起抽查任务"
            },
            code="plan_not_published",
        )
    if plan_line is not None and plan_line.plan_id != plan.pk:
        raise ValidationError({"plan_line": "该计划任务不属于所选年度计划"})
    versions = published_versions(items)
    check_quotas(quotas, versions)
    check_window(window_start, window_end, plan)
    if plan.department not in seats:
        raise ValidationError({"seats": f"请填写发起部门（{plan.department.name}）的每组人数"})
    # Only registered inspection bodies inspect (执法主体; when the setting requires it).
    check_registered(list(seats))
    scope = clean_scope(
        {
            "scope_mode": scope_mode,
            "region_code": (region_code or "").strip(),
            "industry_prefix": (industry_prefix or "").strip(),
            "tags": list(tags),
            "flags": list(flags),
            "statuses": list(statuses),
        }
    )
    basis = clean_basis(
        inspection_type=inspection_type,
        campaign=dict(campaign or {}),
        case=dict(case or {}),
        departments=list(seats),
        window_start=window_start,
        window_end=window_end,
        versions=versions,
    )
    code = (code or "").strip().upper() or next_code(plan.year)
    if SamplingTask.objects.filter(code=code).exists():
        raise ValidationError({"code": f"任务编号{code}已被使用"}, code="code_taken")
    task = SamplingTask(
        code=code,
        name=(name or "").strip(),
        plan=plan,
        plan_line=plan_line,
        department=plan.department,
        exclusion_months=exclusion_months,
        officer_cap=officer_cap,
        cross_assignment=cross_assignment,
        window_start=window_start,
        window_end=window_end,
        witnesses=clean_witnesses(witnesses),
        created_by=actor,
        **scope,
        **basis,
    )
    task.full_clean()
    task.save(force_insert=True)
    task.items.set(versions)
    now = timezone.now()
    participations = [
        TaskDepartment(
            task=task,
            department=department,
            is_lead=department == plan.department,
            seats=count,
            status=(
                ParticipationStatus.CONFIRMED
                if department == plan.department
                else ParticipationStatus.INVITED
            ),
            confirmed_at=now if department == plan.department else None,
            confirmed_by=actor if department == plan.department else None,
        )
        for department, count in seats.items()
    ]
    check_team(participations)
    for participation in participations:
        participation.full_clean(exclude=["task"])
        check_staffed(participation.department, versions, window_start, window_end)
    TaskDepartment.objects.bulk_create(participations)
    _write_quotas(task, quotas)
    _check_counts_against_scope(task, quotas)
    record_event(action=PlanningAction.TASK_OPEN, actor=actor, obj=task, detail=_snapshot(task))
    return task


@transaction.atomic
def update_task(
    *,
    actor,
    task: SamplingTask,
    items: Sequence[InspectionItemVersion] | None = None,
    quotas: Mapping[str, rules.Quota] | None = None,
    lead_seats: int | None = None,
    **fields: Any,
) -> SamplingTask:
    """Edit a draft task. The same checks as when it was opened."""
    task = lock_task(task)
    require_lead_planner(actor, task)
    _require_draft(task)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({"non_field_errors": f"不能修改这些字段：{sorted(unknown)}"})
    for key, value in fields.items():
        setattr(task, key, value)
    versions = published_versions(items if items is not None else task_versions(task))
    if quotas is None:
        quotas = {
            q.risk_class: rules.Quota(ratio=q.ratio, count=q.count) for q in task.quotas.all()
        }
    check_quotas(quotas, versions)
    check_window(task.window_start, task.window_end, task.plan)
    scope = clean_scope(
        {
            k: getattr(task, k)
            for k in ("scope_mode", "region_code", "industry_prefix", "tags", "flags", "statuses")
        }
    )
    for key, value in scope.items():
        setattr(task, key, value)
    task.name = (task.name or "").strip()
    task.witnesses = clean_witnesses(task.witnesses)
    task.full_clean()
    task.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    task.items.set(versions)
    participations = list(task.participations.select_related("department"))
    if lead_seats is not None:
        lead = next(p for p in participations if p.is_lead)
        lead.seats = lead_seats
        lead.full_clean()
        lead.save(update_fields=["seats"])
    check_team(participations)
    for participation in participations:
        check_staffed(participation.department, versions, task.window_start, task.window_end)
    _write_quotas(task, quotas)
    _check_counts_against_scope(task, quotas)
    record_event(
        action=PlanningAction.TASK_UPDATE,
        actor=actor,
        obj=task,
        detail={**_snapshot(task), "fields": sorted(fields)},
    )
    return task


@transaction.atomic
def invite_department(
    *, actor, task: SamplingTask, department: Department, seats: int
) -> TaskDepartment:
    """The lead invites another department to a draft task, asking for `seats` per team."""
    task = lock_task(task)
    require_lead_planner(actor, task)
    _require_draft(task)
    if task.participations.filter(department=department).exists():
        raise ValidationError(
            {"department": f"{department.name}已在该任务中"}, code="already_invited"
        )
    participation = TaskDepartment(task=task, department=department, seats=seats)
    participation.full_clean(exclude=["task"])
    check_staffed(department, task_versions(task), task.window_start, task.window_end)
    participation.save(force_insert=True)
    record_event(
        action=PlanningAction.TASK_INVITE,
        actor=actor,
        obj=task,
        detail={"department": department.code, "seats": seats},
    )
    return participation


@transaction.atomic
def withdraw_invitation(*, actor, task: SamplingTask, department: Department, reason: str) -> None:
    """The lead withdraws its invitation of `department`, which has not confirmed: a joint task
    is otherwise stuck on a department that never answers (its draw cannot be announced).

    Refused once the department has confirmed (its seats are promised) and once the task has
    left its draft (the firms draw is announced, with the teams it will need). The invitation
    row goes; the audit trail keeps it (department, seats) with the reason.
    """
    task = lock_task(task)
    require_lead_planner(actor, task)
    reason = strip_invisible(reason or "", multiline=True).strip()
    participation = (
        TaskDepartment.objects.select_for_update()
        .filter(task=task, department=department, is_lead=False)
        .first()
    )
    if participation is None:
        raise ValidationError(
            {"department": f"{department.name}未被邀请参与该任务"}, code="not_invited"
        )
    if task.status != TaskStatus.DRAFT:
        raise ValidationError(
            {
                "non_field_errors": f"抽查任务{task.code}当前为“{task.get_status_display()}”，"
                "不能再撤回邀请"
            },
            code="task_not_draft",
        )
    if participation.is_confirmed:
        raise ValidationError(
            {"non_field_errors": f"{department.name}已确认参与该任务，不能撤回邀请"},
            code="already_confirmed",
        )
    if not reason:
        raise ValidationError({"reason": "撤回邀请须说明原因"}, code="reason_required")
    if len(reason) > 500:
        raise ValidationError({"reason": "撤回原因不能超过500个字"}, code="reason_too_long")
    detail = {
        "department": department.code,
        "seats": participation.seats,
        "reason": reason,
    }
    participation.delete()
    record_event(action=PlanningAction.TASK_WITHDRAW, actor=actor, obj=task, detail=detail)


@transaction.atomic
def confirm_participation(
    *, actor, task: SamplingTask, department: Department | None = None, seats: int | None = None
) -> TaskDepartment:
    """A participating department confirms its seats (its planner or administrator)."""
    task = lock_task(task)
    department = department or (actor.department if actor is not None else None)
    if department is None:
        raise ValidationError({"department": "请指明确认参与的部门"})
    if actor is not None and (
        not actor.has_role(Role.PLANNER, Role.DEPARTMENT_ADMIN)
        or actor.department_id != department.pk
    ):
        raise PermissionDenied(f"只有{department.name}的计划人员或部门管理员可以确认参与")
    participation = (
        TaskDepartment.objects.select_for_update()
        .filter(task=task, department=department, is_lead=False)
        .first()
    )
    if participation is None:
        raise ValidationError(
            {"department": f"{department.name}未被邀请参与该任务"}, code="not_invited"
        )
    _require_draft(task)
    if participation.is_confirmed:
        raise ValidationError(
            {"non_field_errors": f"{department.name}已确认参与该任务"}, code="already_confirmed"
        )
    if seats is not None:
        participation.seats = seats
    participation.full_clean()
    check_team(list(task.participations.exclude(pk=participation.pk)) + [participation])
    check_staffed(department, task_versions(task), task.window_start, task.window_end)
    participation.status = ParticipationStatus.CONFIRMED
    participation.confirmed_at = timezone.now()
    participation.confirmed_by = actor
    participation.save(update_fields=["seats", "status", "confirmed_at", "confirmed_by"])
    record_event(
        action=PlanningAction.TASK_CONFIRM,
        actor=actor,
        obj=task,
        detail={"department": department.code, "seats": participation.seats},
    )
    return participation
