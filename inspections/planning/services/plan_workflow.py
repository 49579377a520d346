"""The annual plan's workflow: submit, return, approve, publish, revise, file (备案); and each
department's planning settings. See `inspections.planning.services.plans` for who does what.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.organisation.models import Department
from inspections.planning import rules
from inspections.planning.actions import PlanningAction
from inspections.planning.checks import published_versions
from inspections.planning.models import (
    OPEN_PLAN_STATUSES,
    AnnualPlan,
    PlanFiling,
    PlanLine,
    PlanLineQuota,
    PlanningSettings,
    PlanStatus,
)
from inspections.planning.services.plans import _locked, _require, _require_status


@transaction.atomic
def submit_plan(*, actor, plan: AnnualPlan) -> AnnualPlan:
    """Draft → submitted, for the department administrator's approval."""
    plan = _locked(plan)
    _require(actor, plan.department, Role.PLANNER, what="提交年度抽查计划")
    _require_status(plan, PlanStatus.DRAFT, "只有草稿可以提交审批")
    lines = list(plan.lines.prefetch_related("items"))
    if not lines:
        raise ValidationError({"non_field_errors": "计划中没有任何计划任务，不能提交"})
    for line in lines:
        published_versions(list(line.items.all()))
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.submitted_by = actor
    plan.full_clean()
    plan.save(update_fields=["status", "submitted_at", "submitted_by"])
    record_event(
        action=PlanningAction.PLAN_SUBMIT, actor=actor, obj=plan, detail={"lines": len(lines)}
    )
    return plan


@transaction.atomic
def return_plan(*, actor, plan: AnnualPlan, reason: str) -> AnnualPlan:
    """Submitted → draft, with the approver's reason."""
    plan = _locked(plan)
    _require(actor, plan.department, Role.DEPARTMENT_ADMIN, what="退回年度抽查计划")
    _require_status(plan, PlanStatus.SUBMITTED, "只有待审批的计划可以退回")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写退回原因"})
    plan.status = PlanStatus.DRAFT
    plan.return_reason = reason.strip()
    plan.full_clean()
    plan.save(update_fields=["status", "return_reason"])
    record_event(
        action=PlanningAction.PLAN_RETURN, actor=actor, obj=plan, detail={"reason": reason.strip()}
    )
    return plan


@transaction.atomic
def approve_plan(*, actor, plan: AnnualPlan) -> AnnualPlan:
    """Submitted → approved, by the department administrator, never by who submitted it."""
    plan = _locked(plan)
    _require(actor, plan.department, Role.DEPARTMENT_ADMIN, what="批准年度抽查计划")
    _require_status(plan, PlanStatus.SUBMITTED, "只有待审批的计划可以批准")
    if actor is not None and plan.submitted_by_id == actor.pk:
        raise PermissionDenied("不能批准本人提交的计划")
    plan.status = PlanStatus.APPROVED
    plan.approved_at = timezone.now()
    plan.approved_by = actor
    plan.return_reason = ""
    plan.full_clean()
    plan.save(update_fields=["status", "approved_at", "approved_by", "return_reason"])
    record_event(action=PlanningAction.PLAN_APPROVE, actor=actor, obj=plan)
    return plan


@transaction.atomic
def publish_plan(*, actor, plan: AnnualPlan) -> AnnualPlan:
    """Approved → published; the version published before it is superseded."""
    plan = _locked(plan)
    _require(actor, plan.department, Role.PLANNER, what="发布年度抽查计划")
    _require_status(plan, PlanStatus.APPROVED, "只有已批准的计划可以发布")
    previous = (
        AnnualPlan.objects.select_for_update()
        .filter(department=plan.department, year=plan.year, status=PlanStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status = PlanStatus.SUPERSEDED
        previous.full_clean()
        previous.save(update_fields=["status"])
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = actor
    plan.full_clean()
    plan.save(update_fields=["status", "published_at", "published_by"])
    record_event(
        action=PlanningAction.PLAN_PUBLISH,
        actor=actor,
        obj=plan,
        detail={"version": plan.version, "superseded": previous.version if previous else None},
    )
    return plan


@transaction.atomic
def revise_plan(*, actor, plan: AnnualPlan, reason: str) -> AnnualPlan:
    """A new draft version copied from the published plan, with the reason for the revision."""
    plan = _locked(plan)
    _require(actor, plan.department, Role.PLANNER, what="修订年度抽查计划")
    _require_status(plan, PlanStatus.PUBLISHED, "只有已发布的计划可以修订")
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写修订原因"})
    open_version = AnnualPlan.objects.filter(
        department=plan.department, year=plan.year, status__in=OPEN_PLAN_STATUSES
    ).first()
    if open_version is not None:
        raise ValidationError(
            {
                "non_field_errors": f"已有未发布的第{open_version.version}版"
                f"（{open_version.get_status_display()}），请先完成该版本"
            },
            code="revision_exists",
        )
    number = (
        AnnualPlan.objects.filter(department=plan.department, year=plan.year).aggregate(
            n=Max("version")
        )["n"]
        + 1
    )
    revision = AnnualPlan(
        department=plan.department,
        year=plan.year,
        version=number,
        title=plan.title,
        previous=plan,
        revision_reason=reason.strip(),
        created_by=actor,
    )
    revision.full_clean()
    revision.save(force_insert=True)
    for line in plan.lines.prefetch_related("items", "quotas").order_by("position"):
        copy = PlanLine(
            plan=revision,
            position=line.position,
            name=line.name,
            start_quarter=line.start_quarter,
            end_quarter=line.end_quarter,
            frequency=line.frequency,
            note=line.note,
        )
        copy.full_clean(exclude=["plan"])
        copy.save(force_insert=True)
        copy.items.set(line.items.all())
        PlanLineQuota.objects.bulk_create(
            PlanLineQuota(
                line=copy,
                risk_class=q.risk_class,
                ratio=q.ratio,
                count=q.count,
                population=q.population,
                planned=q.planned,
            )
            for q in line.quotas.all()
        )
    record_event(
        action=PlanningAction.PLAN_REVISE,
        actor=actor,
        obj=revision,
        detail={"from_version": plan.version, "version": number, "reason": reason.strip()},
    )
    return revision


@transaction.atomic
def file_plan(
    *, actor, plan: AnnualPlan, filed_on: date, authority: str, document_number: str = ""
) -> PlanFiling:
    """Record the 备案 of a published plan with the next level up."""
    plan = _locked(plan)
    _require(actor, plan.department, Role.PLANNER, Role.DEPARTMENT_ADMIN, what="登记计划备案")
    _require_status(plan, PlanStatus.PUBLISHED, "只有已发布的计划可以登记备案")
    if PlanFiling.objects.filter(plan=plan).exists():
        raise ValidationError({"non_field_errors": "该版本计划已登记备案"}, code="already_filed")
    if filed_on is None:
        raise ValidationError({"filed_on": "请填写备案日期"})
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": "备案日期不能晚于今天"})
    filing = PlanFiling(
        plan=plan,
        filed_on=filed_on,
        authority=(authority or "").strip(),
        document_number=(document_number or "").strip(),
        recorded_by=actor,
    )
    if not filing.authority:
        raise ValidationError({"authority": "请填写备案机关"})
    filing.full_clean()
    filing.save(force_insert=True)
    record_event(
        action=PlanningAction.PLAN_FILE,
        actor=actor,
        obj=plan,
        detail={
            "filed_on": filed_on.isoformat(),
            "authority": filing.authority,
            "document_number": filing.document_number,
        },
    )
    return filing


SETTINGS_FIELDS = (
    "ratio_a",
    "ratio_b",
    "ratio_c",
    "ratio_d",
    "team_seats",
    "days_per_visit",
    "officer_days_per_quarter",
)


@transaction.atomic
def update_planning_settings(*, actor, department: Department, **fields: Any) -> PlanningSettings:
    """The department administrator sets the generator's defaults for their department."""
    _require(actor, department, Role.DEPARTMENT_ADMIN, what="设置抽查计划参数")
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({"non_field_errors": f"不能修改这些字段：{sorted(unknown)}"})
    settings, _created = PlanningSettings.objects.select_for_update().get_or_create(
        department=department
    )
    errors = {}
    for field, value in fields.items():
        if field.startswith("ratio_"):
            value = Decimal(str(value))
            if not Decimal(0) <= value <= Decimal(1):
                errors[field] = (
                    f"{field[-1].upper()}类默认抽查比例{rules.percent(value)}超出0%至100%的范围"
                )
        elif field == "team_seats" and int(value) < 2:
            errors[field] = "每户检查至少需要2名执法人员"
        elif field in {"days_per_visit", "officer_days_per_quarter"}:
            value = Decimal(str(value))
            if value < 0 or (field == "days_per_visit" and value == 0):
                errors[field] = "请填写大于0的日数"
        setattr(settings, field, value)
    if errors:
        raise ValidationError(errors)
    settings.full_clean()
    settings.save()
    record_event(
        action=PlanningAction.PLAN_SETTINGS,
        actor=actor,
        obj=settings,
        detail={field: getattr(settings, field) for field in fields},
    )
    return settings
