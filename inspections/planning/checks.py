"""The rules a plan line and a sampling task must meet, shared by the services that write them
(`services/plans.py`, `services/tasks.py`, `services/task_transitions.py`). Each reads what it
needs and raises a ValidationError in Chinese; none writes."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from backend.codes import CodeError
from backend.organisation.models import Department
from backend.personal_numbers import has_personal_numbers
from backend.text import chinese_date, strip_invisible
from inspections.directory.classifications import check_known_region, normalise_industry_code
from inspections.directory.models import (
    FIRM_FLAGS,
    FirmStatus,
    InspectionItemVersion,
    VersionStatus,
)
from inspections.planning import rules
from inspections.planning.items import item_infos
from inspections.planning.models import AnnualPlan, SamplingTask, ScopeMode, TaskDepartment
from inspections.planning.staffing import department_has_certified_officers
from personnel.eligibility import (
    ENTRUSTMENT_REASONS,
    EligibilityChecker,
    FirmRef,
    ItemRef,
    Window,
)

FLAG_NAMES = {name for name, _label in FIRM_FLAGS}


def clean_scope(values: dict[str, Any]) -> dict[str, Any]:
    """Normalise the scope fields; 定向 needs a filter, 不定向 takes none."""
    errors: dict[str, str] = {}
    if values["scope_mode"] not in ScopeMode.values:
        errors["scope_mode"] = "请选择定向抽查或不定向抽查"
    for field, normalise in (
        ("region_code", check_known_region),
        ("industry_prefix", normalise_industry_code),
    ):
        if values[field]:
            try:
                values[field] = normalise(values[field])
            except CodeError as exc:
                errors[field] = exc.message
    values["tags"] = [str(t).strip() for t in values["tags"] if str(t).strip()]
    if any(len(t) > 30 for t in values["tags"]):
        errors["tags"] = "标签不能超过30个字"
    values["flags"] = list(dict.fromkeys(values["flags"]))
    unknown = [f for f in values["flags"] if f not in FLAG_NAMES]
    if unknown:
        errors["flags"] = f"未知的标记：{'、'.join(map(str, unknown))}"
    values["statuses"] = list(dict.fromkeys(values["statuses"]))
    unknown = [s for s in values["statuses"] if s not in FirmStatus.values]
    if unknown:
        errors["statuses"] = f"未知的登记状态：{'、'.join(map(str, unknown))}"
    filters = [values[k] for k in ("region_code", "industry_prefix", "tags", "flags", "statuses")]
    if values["scope_mode"] == ScopeMode.UNTARGETED and any(filters):
        errors["scope_mode"] = "不定向抽查面向事项的全部检查对象，不设筛选条件"
    if values["scope_mode"] == ScopeMode.TARGETED and not any(filters):
        errors["scope_mode"] = "定向抽查请至少设置一项筛选条件（区划、行业、标签、标记或状态）"
    if errors:
        raise ValidationError(errors)
    return values


def clean_witnesses(witnesses: Sequence[str]) -> list[str]:
    labels = [strip_invisible(str(label)).strip() for label in witnesses]
    labels = [label for label in labels if label]
    if any(len(label) > 30 for label in labels):
        raise ValidationError({"witnesses": "见证人名称不能超过30个字"})
    if any(has_personal_numbers(label) for label in labels):
        # Every draw's announcement names them, published as hashed: never masked afterwards.
        raise ValidationError({"witnesses": "见证人名称随抽取公告公开，不能含身份证号码或电话号码"})
    return labels


def check_window(start: date | None, end: date | None, plan: AnnualPlan) -> None:
    if start is None or end is None:
        raise ValidationError({"window_start": "请填写检查开始和结束日期"})
    if end < start:
        raise ValidationError(
            {"window_end": f"检查结束日期{chinese_date(end)}早于开始日期{chinese_date(start)}"},
            code="window_reversed",
        )
    if start.year != plan.year or end.year != plan.year:
        raise ValidationError(
            {"window_start": f"检查时间应在计划年度{plan.year}年内"}, code="window_outside_year"
        )


def check_team(participations: Sequence[TaskDepartment]) -> None:
    """At least two officers with valid certificates per inspection (行政处罚法 art. 42)."""
    if any(p.seats < 1 for p in participations):
        raise ValidationError({"seats": "每个部门至少安排1名执法人员"})
    total = sum(p.seats for p in participations)
    if total < 2:
        raise ValidationError(
            {"seats": f"每个检查组至少需要2名持证执法人员（专家不计入），当前只有{total}名"},
            code="team_too_small",
        )


def task_versions(task: SamplingTask) -> list[InspectionItemVersion]:
    return list(task.items.select_related("item__department", "item__enforcement_field"))


def check_staffed(
    department: Department, versions: Sequence[InspectionItemVersion], start: date, end: date
) -> None:
    """A department takes seats only if some officer of it could fill one: a valid certificate
    covering its fields for the task's items on every day of the window (experts never count)."""
    infos = item_infos(versions)
    if not department_has_certified_officers(department, infos=infos, window=Window(start, end)):
        names = {v.item.enforcement_field.code: v.item.enforcement_field.name for v in versions}
        fields = "、".join(
            names[code] for code in sorted(rules.relevant_fields(department.code, infos))
        )
        raise ValidationError(
            {
                "departments": f"{department.name}没有在检查期间"
                f"{chinese_date(start)}至{chinese_date(end)}持有效执法证（涵盖{fields}）的执法人员，不能参与该任务"
            },
            code="department_not_staffed",
        )


def entrustment_refusals(
    officers: Sequence, versions: Sequence[InspectionItemVersion], start: date, end: date
) -> list[str]:
    """Why each named officer of an entrusted organisation may not inspect: the 委托 must be
    valid on every day of the window and cover a field of the task's items that the officer's
    department checks, as in the teams draw (personnel.eligibility)."""
    officers = [o for o in officers if o.entrusted_organisation_id]
    if not officers or end < start:
        return []
    infos = item_infos(versions)
    checker = EligibilityChecker(officers, Window(start, end))
    refusals = []
    for officer in checker.officers:
        fields = sorted(rules.relevant_fields(officer.department.code, infos))
        found = [
            [
                r
                for r in checker.check(officer, firm=FirmRef(uscc=""), item=ItemRef(field)).reasons
                if r.code in ENTRUSTMENT_REASONS
            ]
            for field in fields
        ]
        if found and all(found):
            refusals.append(f"{officer.name}：{found[0][0].message}")
    return refusals


def next_code(year: int) -> str:
    prefix = f"T-{year}-"
    used = SamplingTask.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in used if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def clean_basis(
    *,
    inspection_type: str,
    campaign: dict[str, Any],
    case: dict[str, Any],
    departments: Sequence[Department],
    window_start: date,
    window_end: date,
    versions: Sequence[InspectionItemVersion] = (),
) -> dict[str, Any]:
    """The type's basis, checked and normalised into the task's fields.

    专项 needs its approving authority, document, date of approval and of publication (within a
    month of approval); 个案 its trigger and reference, the named firm and at least two named
    officers of the task's departments whose certificates cover the window (and, for an officer
    of an entrusted organisation, whose 委托 covers the window and a field of the task's items,
    `versions`). A 日常 task keeps none of them.
    """
    from inspections.planning.models import CaseTrigger, InspectionType, one_month_after
    from personnel.models import Certificate

    if inspection_type not in InspectionType.values:
        raise ValidationError(
            {"inspection_type": "请选择检查类型：日常检查、专项检查或个案检查"},
            code="unknown_type",
        )
    fields: dict[str, Any] = {"inspection_type": inspection_type}
    errors: dict[str, str] = {}
    if inspection_type == InspectionType.CAMPAIGN:
        authority = (campaign.get("authority") or "").strip()
        document = (campaign.get("document") or "").strip()
        approved, published = campaign.get("approved_on"), campaign.get("published_on")
        if not authority:
            errors["campaign_authority"] = "专项检查须填写批准机关（本级人民政府或上级主管部门）"
        if not document:
            errors["campaign_document"] = "专项检查须填写批准文件文号"
        if approved is None:
            errors["campaign_approved_on"] = "专项检查须填写批准日期"
        if published is None:
            errors["campaign_published_on"] = "专项检查须在批准后一个月内备案并公布，请填写公布日期"
        elif approved is not None and not approved <= published <= one_month_after(approved):
            errors["campaign_published_on"] = (
                f"专项检查须在批准后一个月内备案并公布：批准日期{approved.isoformat()}，"
                f"最迟{one_month_after(approved).isoformat()}"
            )
        fields |= {
            "campaign_authority": authority,
            "campaign_document": document,
            "campaign_approved_on": approved,
            "campaign_published_on": published,
        }
    elif inspection_type == InspectionType.CASE:
        trigger = (case.get("trigger") or "").strip()
        reference = (case.get("reference") or "").strip()
        firm = case.get("firm")
        numbers = list(dict.fromkeys(n.strip() for n in case.get("officers") or () if n.strip()))
        if trigger not in CaseTrigger.values:
            errors["case_trigger"] = (
                "个案检查须选择启动事由：投诉举报、转办交办、非现场监管发现的线索或依申请"
            )
        if not reference:
            errors["case_reference"] = "个案检查须填写事由编号（投诉举报、转办、线索或申请的编号）"
        if firm is None:
            errors["case_firm"] = "个案检查须指定检查对象"
        certificates = {
            c.number: c
            for c in Certificate.objects.filter(
                number__in=numbers, officer__department__in=departments
            ).select_related("officer")
        }
        unknown = [n for n in numbers if n not in certificates]
        invalid = [
            f"{c.officer.name}（{n}）"
            for n, c in certificates.items()
            if not c.covers_period(window_start, window_end)
        ]
        entrusted = entrustment_refusals(
            [c.officer for c in certificates.values()], versions, window_start, window_end
        )
        if unknown:
            errors["case_officers"] = f"执法证{'、'.join(unknown)}不属于本任务的部门"
        elif invalid:
            errors["case_officers"] = f"执法证在检查期间无效：{'、'.join(invalid)}"
        elif entrusted:
            errors["case_officers"] = f"受委托组织人员不能参加本次检查：{'；'.join(entrusted)}"
        elif len(numbers) < 2:
            errors["case_officers"] = "个案检查须指定至少两名持有效执法证的执法人员"
        fields |= {
            "case_trigger": trigger,
            "case_reference": reference,
            "case_firm": firm,
            "case_officers": numbers,
        }
    if errors:
        raise ValidationError(errors, code="basis_incomplete")
    return fields


def published_versions(versions: Sequence[InspectionItemVersion]) -> list[InspectionItemVersion]:
    """The versions, fresh from the database; refused unless every one is published."""
    if not versions:
        raise ValidationError({"items": "请至少选择一项检查事项"}, code="no_items")
    fresh = list(
        InspectionItemVersion.objects.select_related(
            "item__department", "item__enforcement_field"
        ).filter(pk__in={v.pk for v in versions})
    )
    unusable = [v for v in fresh if v.status != VersionStatus.PUBLISHED]
    if unusable:
        raise ValidationError(
            {
                "items": [
                    f"事项{v.item.code}第{v.number}版{v.get_status_display()}，"
                    "只有已发布的事项版本可以用于抽查"
                    for v in unusable
                ]
            },
            code="item_not_published",
        )
    return sorted(fresh, key=lambda v: v.item.code)


def check_quotas(
    quotas: Mapping[str, rules.Quota],
    versions: Sequence[InspectionItemVersion],
    *,
    population: Mapping[str, int] | None = None,
) -> None:
    problems = rules.quota_problems(quotas, item_infos(versions), population=population)
    if problems:
        raise ValidationError({"quotas": problems}, code="bad_quota")
