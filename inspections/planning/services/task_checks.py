"""The rules a sampling task must meet, shared by the services that open, edit and move it.
Each raises a ValidationError in Chinese; none writes."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from backend.codes import CodeError
from backend.organisation.models import Department
from backend.personal_numbers import has_personal_numbers
from backend.text import strip_invisible
from inspections.directory.classifications import check_known_region, normalise_industry_code
from inspections.directory.models import FIRM_FLAGS, FirmStatus, InspectionItemVersion
from inspections.planning import rules
from inspections.planning.items import item_infos
from inspections.planning.models import AnnualPlan, SamplingTask, ScopeMode, TaskDepartment
from inspections.planning.staffing import department_has_certified_officers
from personnel.eligibility import Window

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
            {"window_end": f"检查结束日期{end:%Y-%m-%d}早于开始日期{start:%Y-%m-%d}"},
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
                "departments": f"{department.name}没有在检查期间{start:%Y-%m-%d}至{end:%Y-%m-%d}"
                f"持有效执法证（涵盖{fields}）的执法人员，不能参与该任务"
            },
            code="department_not_staffed",
        )


def next_code(year: int) -> str:
    prefix = f"T-{year}-"
    used = SamplingTask.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(code[len(prefix) :]) for code in used if code[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"
