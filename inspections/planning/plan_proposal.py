"""Reading what the plan generator needs from the item list, the directory and personnel, and
reading saved plans back in the same shape. No writes: `inspections.planning.services.plans` saves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from backend.organisation.models import Department
from inspections.directory.models import InspectionItemVersion, RiskClass
from inspections.directory.selectors import firms_for_items, item_targets, published_items
from inspections.planning import rules
from inspections.planning.items import item_info, item_infos
from inspections.planning.models import AnnualPlan, PlanLine
from inspections.planning.staffing import plan_staffing_warnings, settings_for


def population(versions: Sequence[InspectionItemVersion]) -> dict[str, int]:
    """Firms in existence at least one of the versions applies to, per risk class: one
    GROUP BY."""
    counts = dict(
        firms_for_items(versions).order_by().values_list("risk_class").annotate(n=Count("id"))
    )
    return {risk: counts.get(risk, 0) for risk in RiskClass.values}


def default_title(department: Department, year: int) -> str:
    return f"{department.name}{year}年度“双随机、一公开”抽查工作计划"


@dataclass
class Proposal:
    department: Department
    year: int
    title: str
    lines: list[rules.ProposedLine]
    warnings: list[rules.StaffingWarning]
    versions: dict[int, InspectionItemVersion]

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)


def _loads(lines: Sequence[rules.ProposedLine]) -> list[rules.LineLoad]:
    return [
        rules.LineLoad(
            position=position,
            name=line.name,
            items=line.items,
            per_quarter=line.per_quarter,
            team=line.team,
        )
        for position, line in enumerate(lines, start=1)
    ]


def build_proposal(*, department: Department, year: int) -> Proposal:
    """The generator: one line per group of published items sharing their targets, with the
    department's default ratios under the items' caps, quarters and staffing warnings."""
    settings = settings_for(department)
    versions = list(published_items().prefetch_related("scope_rules"))
    infos = [item_info(v, targets=item_targets(v)) for v in versions]
    by_key = {v.pk: v for v in versions}
    groups = rules.group_by_targets(infos, lead=department.code)
    populations = [population([by_key[info.key] for info in group]) for group in groups]
    lines = rules.propose_lines(
        groups,
        populations,
        lead=department.code,
        defaults=settings.ratios,
        lead_seats=settings.team_seats,
    )
    warnings = plan_staffing_warnings(_loads(lines), year=year, lead=department) if lines else []
    return Proposal(
        department=department,
        year=year,
        title=default_title(department, year),
        lines=lines,
        warnings=warnings,
        versions=by_key,
    )


# --- saved plans, read in the proposal's shape ---------------------------------------------------


def lines_of(plan: AnnualPlan) -> QuerySet[PlanLine]:
    versions = InspectionItemVersion.objects.select_related(
        "item__department", "item__enforcement_field"
    ).prefetch_related("checkpoints", "scope_rules")
    return plan.lines.prefetch_related(Prefetch("items", queryset=versions), "quotas").order_by(
        "position"
    )


@dataclass
class SavedLine:
    """A saved line with its proposal-shaped reading (`view`) beside it."""

    line: PlanLine
    view: rules.ProposedLine
    versions: list[InspectionItemVersion]

    @property
    def participating(self) -> list[str]:
        """The names of the departments taking part besides the plan's."""
        lead = self.view.departments[0]
        names = {v.item.department.code: v.item.department.name for v in self.versions}
        return [names[code] for code in sorted(names) if code != lead]


def saved_lines(plan: AnnualPlan) -> list[SavedLine]:
    lead_seats = settings_for(plan.department).team_seats
    rows = []
    for line in lines_of(plan):
        lead = plan.department.code
        versions = sorted(
            line.items.all(),
            key=lambda v: (v.item.department.code != lead, v.item.department.code, v.item.code),
        )
        infos = item_infos(versions)
        departments = rules.departments_of(infos, lead=plan.department.code)
        quotas = list(line.quotas.all())
        view = rules.ProposedLine(
            name=line.name,
            items=tuple(infos),
            departments=departments,
            population={q.risk_class: q.population for q in quotas},
            quotas={q.risk_class: rules.Quota(ratio=q.ratio, count=q.count) for q in quotas},
            start_quarter=line.start_quarter,
            end_quarter=line.end_quarter,
            frequency=line.frequency,
            team=rules.default_team(departments, lead_seats=lead_seats),
        )
        rows.append(SavedLine(line=line, view=view, versions=versions))
    return rows


def plan_warnings(plan: AnnualPlan, lines: Sequence[SavedLine]) -> list[rules.StaffingWarning]:
    if not lines:
        return []
    return plan_staffing_warnings(
        _loads([row.view for row in lines]), year=plan.year, lead=plan.department
    )


def per_quarter_totals(lines: Iterable[rules.ProposedLine]) -> dict[int, int]:
    totals = dict.fromkeys(rules.QUARTER_NAMES, 0)
    for line in lines:
        for quarter, count in line.per_quarter.items():
            totals[quarter] += count
    return totals
