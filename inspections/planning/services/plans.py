"""Writes to annual plans (年度抽查计划): generate a draft and edit it. The workflow (submit,
return, approve, publish, revise, file) and the settings are in `plan_workflow`.

Who does what. The department's planner generates and edits the draft, submits it, and publishes
it once approved; the department administrator of the same department approves it or returns it
with a reason. A planner never holds the administrator's role, so nobody approves their own plan.
A published plan never changes: a revision is a new draft version with its reason, which
supersedes the published one when it is published in turn. The 备案 records the date and the
upper authority. `actor=None` is the system (demo data, commands).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.organisation.models import Department
from inspections.directory.models import InspectionItemVersion
from inspections.planning import rules
from inspections.planning.actions import PlanningAction
from inspections.planning.checks import check_quotas, published_versions
from inspections.planning.items import item_infos
from inspections.planning.models import AnnualPlan, PlanLine, PlanLineQuota, PlanStatus
from inspections.planning.plan_proposal import build_proposal, population
from inspections.planning.staffing import settings_for

_NOT_EDITABLE = {
    PlanStatus.SUBMITTED: "计划已提交审批，不能修改；如需修改，请由部门管理员退回",
    PlanStatus.APPROVED: "计划已批准待发布，不能修改；发布后如需调整，请修订生成新版本",
    PlanStatus.PUBLISHED: "已发布的计划不能修改；如需调整，请修订生成新版本",
    PlanStatus.SUPERSEDED: "该版本已被新版本替代，不能修改",
}


def _require(actor, department, *roles: str, what: str) -> None:
    if actor is None:
        return
    if not actor.has_role(*roles) or actor.department_id != department.pk:
        names = "或".join(str(Role(role).label) for role in roles)
        raise PermissionDenied(f"只有{department.name}的{names}可以{what}")


def _locked(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update().select_related("department").get(pk=plan.pk)


def _require_status(plan: AnnualPlan, status: str, message: str) -> None:
    if plan.status != status:
        raise ValidationError(
            {"non_field_errors": f"{message}（当前状态：{plan.get_status_display()}）"},
            code="plan_state",
        )


def _require_editable(plan: AnnualPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            {"non_field_errors": _NOT_EDITABLE[plan.status]}, code="plan_not_editable"
        )


def _check_quarters(start: int, end: int) -> None:
    if not (1 <= start <= 4 and 1 <= end <= 4):
        raise ValidationError({"start_quarter": "季度应为1至4"})
    if end < start:
        raise ValidationError({"end_quarter": "结束季度不能早于开始季度"})


def _write_line(
    line: PlanLine,
    *,
    versions: Sequence[InspectionItemVersion],
    quotas: Mapping[str, rules.Quota],
) -> dict[str, int]:
    """Set the line's items and quotas, counting the directory afresh. Returns planned counts."""
    counts = population(versions)
    check_quotas(quotas, versions, population=counts)
    line.items.set(versions)
    line.quotas.all().delete()
    rows = []
    for risk in sorted(quotas):
        quota = quotas[risk]
        row = PlanLineQuota(
            line=line,
            risk_class=risk,
            ratio=quota.ratio,
            count=quota.count,
            population=counts.get(risk, 0),
            planned=quota.planned(counts.get(risk, 0)),
        )
        row.full_clean(exclude=["line"])
        rows.append(row)
    PlanLineQuota.objects.bulk_create(rows)
    return {row.risk_class: row.planned for row in rows}


def _next_position(plan: AnnualPlan) -> int:
    return (plan.lines.aggregate(n=Max("position"))["n"] or 0) + 1


@transaction.atomic
def generate_annual_plan(
    *, actor, department: Department, year: int, title: str = ""
) -> AnnualPlan:
    """A new draft plan from the generator's proposal (see plan_proposal.build_proposal)."""
    _require(actor, department, Role.PLANNER, what="编制年度抽查计划")
    existing = AnnualPlan.objects.filter(department=department, year=year).order_by("-version")
    if existing.exists():
        latest = existing.first()
        raise ValidationError(
            {
                "year": f"{department.name}{year}年度已有抽查计划（第{latest.version}版，"
                f"{latest.get_status_display()}），请修改该计划或修订生成新版本"
            },
            code="plan_exists",
        )
    proposal = build_proposal(department=department, year=year)
    if not proposal.lines:
        raise ValidationError(
            {"non_field_errors": f"{department.name}没有已发布的抽查事项，无法生成计划"},
            code="no_items",
        )
    plan = AnnualPlan(
        department=department,
        year=year,
        title=(title or "").strip() or proposal.title,
        created_by=actor,
    )
    plan.full_clean()
    plan.save(force_insert=True)
    for position, proposed in enumerate(proposal.lines, start=1):
        line = PlanLine(
            plan=plan,
            position=position,
            name=proposed.name,
            start_quarter=proposed.start_quarter,
            end_quarter=proposed.end_quarter,
            frequency=proposed.frequency,
        )
        line.full_clean(exclude=["plan"])
        line.save(force_insert=True)
        _write_line(
            line,
            versions=[proposal.versions[info.key] for info in proposed.items],
            quotas=proposed.quotas,
        )
    record_event(
        action=PlanningAction.PLAN_GENERATE,
        actor=actor,
        obj=plan,
        detail={
            "year": year,
            "department": department.code,
            "lines": len(proposal.lines),
            "firms": proposal.total,
            "warnings": [w.message for w in proposal.warnings],
        },
    )
    return plan


@transaction.atomic
def update_plan(*, actor, plan: AnnualPlan, title: str) -> AnnualPlan:
    plan = _locked(plan)
    _require(actor, plan.department, Role.PLANNER, what="修改年度抽查计划")
    _require_editable(plan)
    plan.title = (title or "").strip()
    plan.full_clean()
    plan.save(update_fields=["title"])
    record_event(
        action=PlanningAction.PLAN_UPDATE, actor=actor, obj=plan, detail={"title": plan.title}
    )
    return plan


@transaction.atomic
def add_plan_line(
    *,
    actor,
    plan: AnnualPlan,
    items: Sequence[InspectionItemVersion],
    name: str = "",
    quotas: Mapping[str, rules.Quota] | None = None,
    start_quarter: int = rules.INSPECTION_QUARTERS[0],
    end_quarter: int | None = None,
    frequency: str | None = None,
    note: str = "",
) -> PlanLine:
    """A line the planner adds by hand; unset fields take the generator's defaults."""
    plan = _locked(plan)
    _require(actor, plan.department, Role.PLANNER, what="修改年度抽查计划")
    _require_editable(plan)
    versions = published_versions(items)
    infos = item_infos(versions)
    departments = rules.departments_of(infos, lead=plan.department.code)
    if quotas is None:
        ratios = rules.capped_ratios(settings_for(plan.department).ratios, infos)
        quotas = {risk: rules.Quota(ratio=ratio) for risk, ratio in ratios.items()}
    end_quarter = start_quarter if end_quarter is None else end_quarter
    _check_quarters(start_quarter, end_quarter)
    line = PlanLine(
        plan=plan,
        position=_next_position(plan),
        name=(name or "").strip() or rules.line_name(infos, departments),
        start_quarter=start_quarter,
        end_quarter=end_quarter,
        frequency=rules.joined_frequency(infos) if frequency is None else frequency.strip(),
        note=(note or "").strip(),
    )
    line.full_clean(exclude=["plan"])
    line.save(force_insert=True)
    planned = _write_line(line, versions=versions, quotas=quotas)
    record_event(
        action=PlanningAction.PLAN_ADD_LINE,
        actor=actor,
        obj=plan,
        detail={"line": line.pk, "name": line.name, "planned": planned},
    )
    return line


@transaction.atomic
def update_plan_line(
    *,
    actor,
    line: PlanLine,
    name: str | None = None,
    items: Sequence[InspectionItemVersion] | None = None,
    quotas: Mapping[str, rules.Quota] | None = None,
    start_quarter: int | None = None,
    end_quarter: int | None = None,
    frequency: str | None = None,
    note: str | None = None,
) -> PlanLine:
    """Edit a line of a draft plan. Quotas are counted afresh against the directory."""
    plan = _locked(line.plan)
    _require(actor, plan.department, Role.PLANNER, what="修改年度抽查计划")
    _require_editable(plan)
    line = PlanLine.objects.get(pk=line.pk)
    changed: dict[str, Any] = {}
    for field, value in (("name", name), ("frequency", frequency), ("note", note)):
        if value is not None:
            setattr(line, field, value.strip())
            changed[field] = value.strip()
    if start_quarter is not None:
        line.start_quarter = start_quarter
        changed["start_quarter"] = start_quarter
    if end_quarter is not None:
        line.end_quarter = end_quarter
        changed["end_quarter"] = end_quarter
    _check_quarters(line.start_quarter, line.end_quarter)
    line.full_clean(exclude=["plan"])
    line.save(update_fields=["name", "frequency", "note", "start_quarter", "end_quarter"])
    versions = published_versions(items if items is not None else list(line.items.all()))
    if quotas is None:
        quotas = {
            q.risk_class: rules.Quota(ratio=q.ratio, count=q.count) for q in line.quotas.all()
        }
    planned = _write_line(line, versions=versions, quotas=quotas)
    record_event(
        action=PlanningAction.PLAN_UPDATE_LINE,
        actor=actor,
        obj=plan,
        detail={
            "line": line.pk,
            **changed,
            "items": [f"{v.item.code}v{v.number}" for v in versions],
            "quotas": {risk: q.label for risk, q in sorted(quotas.items())},
            "planned": planned,
        },
    )
    return line


@transaction.atomic
def remove_plan_line(*, actor, line: PlanLine) -> None:
    plan = _locked(line.plan)
    _require(actor, plan.department, Role.PLANNER, what="修改年度抽查计划")
    _require_editable(plan)
    name = line.name
    PlanLine.objects.filter(pk=line.pk).delete()
    record_event(
        action=PlanningAction.PLAN_REMOVE_LINE,
        actor=actor,
        obj=plan,
        detail={"line": line.pk, "name": name},
    )
