"""The annual plan generator's rules, with no Django: grouping items that share their targets,
ratios under the items' caps, quotas, quarters and staffing.

The database side (`inspections.planning.plan_proposal`, `inspections.planning.staffing`)
gathers the facts into the small dataclasses below and asks these functions; tests can ask them
directly.

- 进一次门、查多项事 (domain.md, Sampling): items whose targets are the same are checked in one
  visit, so the generator proposes one line for them. "The same targets" means the same scope
  definition (target type, scope rules and explicit firm list): two items with identical
  definitions apply to exactly the same firms, whatever the directory holds.
- Quotas: ceil(n × ratio) in exact arithmetic, never more than n (draw-spec.md, Quotas), by
  `quota_from_ratio` here, which DR-1 (inspections.draws.dr1) applies to the eligible counts of
  its pool; a ratio never exceeds the cap of any item of the line.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import ceil

RISK_CLASSES = ("A", "B", "C", "D")
DEFAULT_RATIOS = {
    "A": Decimal("0.02"),
    "B": Decimal("0.05"),
    "C": Decimal("0.20"),
    "D": Decimal("1"),
}
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
# The plan is drawn up, approved, filed and published in the first quarter; the generator
# spreads the visits over the other three. The planner may move any line to any quarter.
INSPECTION_QUARTERS = (2, 3, 4)


def quota_from_ratio(n: int, ratio: Decimal | str | int) -> int:
    """ceil(n × ratio) in exact arithmetic, capped at n.

    ``n`` is the stratum's eligible count. Floats are refused: 0.1 as a float is not one tenth, and
    a quota must not depend on binary rounding.
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    if isinstance(ratio, float | bool) or not isinstance(ratio, Decimal | str | int):
        raise TypeError(
            f"ratio must be a Decimal, str or int, not {type(ratio).__name__}: floats are not exact"
        )
    try:
        exact = Decimal(ratio) if isinstance(ratio, str) else ratio
        # Fraction is exact at any size; Decimal arithmetic would round past 28 digits.
        value = Fraction(exact)
    except (InvalidOperation, ValueError, OverflowError):
        raise ValueError(f"ratio {ratio!r} is not a finite decimal number") from None
    if value < 0:
        raise ValueError(f"ratio must not be negative, got {ratio!r}")
    return min(n, ceil(n * value))


@dataclass(frozen=True)
class ItemInfo:
    """A published item version as the generator sees it."""

    key: int
    code: str
    name: str
    department: str
    field: str
    ratio_cap: Decimal | None
    frequency: str
    targets: tuple = ()


@dataclass(frozen=True)
class Quota:
    """A stratum's quota as a planner states it: a ratio (0 to 1) or a fixed count."""

    ratio: Decimal | None = None
    count: int | None = None

    def planned(self, population: int) -> int:
        if self.ratio is not None:
            return quota_from_ratio(population, self.ratio)
        return int(self.count or 0)

    @property
    def label(self) -> str:
        if self.ratio is not None:
            return percent(self.ratio)
        return f"{self.count}户"


def percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


# --- grouping and quotas -----------------------------------------------------------------------


def group_by_targets(items: Iterable[ItemInfo], *, lead: str) -> list[tuple[ItemInfo, ...]]:
    """The lead department's items, each with every other published item of the same targets.

    One group per set of targets that at least one of the lead's items has; the lead's items
    come first (by code), then the other departments' (by department, code). Groups are ordered
    by their first item's code. Another department's item joins a group only through a target
    set the lead shares: the lead does not plan other departments' work alone.
    """
    by_targets: dict[tuple, list[ItemInfo]] = defaultdict(list)
    for item in items:
        by_targets[item.targets].append(item)
    groups = []
    for members in by_targets.values():
        own = sorted((i for i in members if i.department == lead), key=lambda i: i.code)
        if not own:
            continue
        others = sorted(
            (i for i in members if i.department != lead), key=lambda i: (i.department, i.code)
        )
        groups.append((*own, *others))
    return sorted(groups, key=lambda group: group[0].code)


def departments_of(items: Iterable[ItemInfo], *, lead: str) -> tuple[str, ...]:
    """The lead first, then the other departments of the items, sorted."""
    others = sorted({item.department for item in items} - {lead})
    return (lead, *others)


def strictest_cap(items: Iterable[ItemInfo]) -> Decimal | None:
    caps = [item.ratio_cap for item in items if item.ratio_cap is not None]
    return min(caps) if caps else None


def capped_ratios(defaults: Mapping[str, Decimal], items: Iterable[ItemInfo]) -> dict[str, Decimal]:
    """The default ratios, none above the strictest cap of the items (重点 items have none)."""
    cap = strictest_cap(items)
    return {
        risk: (min(ratio, cap) if cap is not None else ratio) for risk, ratio in defaults.items()
    }


def quota_problems(
    quotas: Mapping[str, Quota],
    items: Iterable[ItemInfo],
    *,
    population: Mapping[str, int] | None = None,
) -> list[str]:
    """Every reason the quotas cannot be used, in Chinese; empty when they can.

    A ratio is between 0 and 100% and never above any item's cap. A fixed count is used as given
    (DR-1), so it is refused only when the stratum holds fewer firms, if `population` is known.
    """
    items = list(items)
    problems = []
    for risk in sorted(quotas):
        quota = quotas[risk]
        if risk not in RISK_CLASSES:
            problems.append(f"未知的信用风险分类：{risk}")
            continue
        if (quota.ratio is None) == (quota.count is None):
            problems.append(f"{risk}类：请填写抽查比例或固定数量（二者选一）")
            continue
        if quota.ratio is not None:
            if not Decimal(0) <= quota.ratio <= Decimal(1):
                problems.append(f"{risk}类抽查比例{percent(quota.ratio)}超出0%至100%的范围")
                continue
            for item in items:
                if item.ratio_cap is not None and quota.ratio > item.ratio_cap:
                    problems.append(
                        f"{risk}类抽查比例{percent(quota.ratio)}超过事项{item.code}"
                        f"的抽查比例上限{percent(item.ratio_cap)}"
                    )
        elif quota.count < 0:
            problems.append(f"{risk}类固定数量不能为负数")
        elif population is not None and quota.count > population.get(risk, 0):
            available = population.get(risk, 0)
            problems.append(f"{risk}类固定数量{quota.count}户超过范围内可抽取的对象数{available}户")
    return problems


def planned_counts(population: Mapping[str, int], quotas: Mapping[str, Quota]) -> dict[str, int]:
    return {risk: quotas[risk].planned(population.get(risk, 0)) for risk in sorted(quotas)}


# --- quarters ----------------------------------------------------------------------------------


def quarter_window(year: int, first: int, last: int | None = None) -> tuple[date, date]:
    """The first and last day of quarters `first` to `last` (inclusive) of `year`."""
    last = first if last is None else last
    end_month = 3 * last
    return date(year, 3 * first - 2, 1), date(
        year, end_month, calendar.monthrange(year, end_month)[1]
    )


def quarter_label(year: int, first: int, last: int) -> str:
    if first == last:
        return f"{year}年{QUARTER_NAMES[first]}"
    return f"{year}年{QUARTER_NAMES[first]}至{QUARTER_NAMES[last]}"


def spread(total: int, first: int, last: int) -> dict[int, int]:
    """`total` visits over quarters `first`..`last`, as evenly as whole visits allow, the
    earlier quarters taking the remainder."""
    quarters = list(range(first, last + 1))
    base, extra = divmod(total, len(quarters))
    return {q: base + (1 if i < extra else 0) for i, q in enumerate(quarters)}


def assign_quarters(
    sizes: Sequence[int], quarters: Sequence[int] = INSPECTION_QUARTERS
) -> list[int]:
    """One quarter per line, balancing the visits: the largest line first goes to the quarter
    with the fewest visits so far (the earlier one on a tie). Returns the quarter of each line,
    in the order given."""
    load = dict.fromkeys(quarters, 0)
    chosen = [0] * len(sizes)
    for index in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        quarter = min(quarters, key=lambda q: (load[q], q))
        chosen[index] = quarter
        load[quarter] += sizes[index]
    return chosen


# --- the proposal ------------------------------------------------------------------------------


def default_team(departments: Sequence[str], *, lead_seats: int) -> dict[str, int]:
    """A one-department visit takes the department's usual team (at least 2); a joint visit one
    officer of each department, which is at least 2 since a joint line has two departments."""
    if len(departments) == 1:
        return {departments[0]: max(2, lead_seats)}
    return dict.fromkeys(departments, 1)


def line_name(items: Sequence[ItemInfo], departments: Sequence[str]) -> str:
    first = items[0].name
    if len(departments) > 1:
        return f"{first}（联合抽查）"
    if len(items) > 1:
        return f"{first}等{len(items)}项"
    return first


def joined_frequency(items: Iterable[ItemInfo]) -> str:
    seen: list[str] = []
    for item in items:
        if item.frequency and item.frequency not in seen:
            seen.append(item.frequency)
    return "；".join(seen)


@dataclass
class ProposedLine:
    name: str
    items: tuple[ItemInfo, ...]
    departments: tuple[str, ...]
    population: dict[str, int]
    quotas: dict[str, Quota]
    start_quarter: int
    end_quarter: int
    frequency: str
    team: dict[str, int] = field(default_factory=dict)

    @property
    def planned(self) -> dict[str, int]:
        return planned_counts(self.population, self.quotas)

    @property
    def total(self) -> int:
        return sum(self.planned.values())

    @property
    def per_quarter(self) -> dict[int, int]:
        return spread(self.total, self.start_quarter, self.end_quarter)


def propose_lines(
    groups: Sequence[tuple[ItemInfo, ...]],
    populations: Sequence[Mapping[str, int]],
    *,
    lead: str,
    defaults: Mapping[str, Decimal] = DEFAULT_RATIOS,
    lead_seats: int = 2,
) -> list[ProposedLine]:
    """One line per group: capped default ratios, the counts they give, a quarter each."""
    lines = []
    for items, population in zip(groups, populations, strict=True):
        departments = departments_of(items, lead=lead)
        ratios = capped_ratios(defaults, items)
        lines.append(
            ProposedLine(
                name=line_name(items, departments),
                items=tuple(items),
                departments=departments,
                population={risk: population.get(risk, 0) for risk in RISK_CLASSES},
                quotas={risk: Quota(ratio=ratios[risk]) for risk in RISK_CLASSES},
                start_quarter=INSPECTION_QUARTERS[0],
                end_quarter=INSPECTION_QUARTERS[0],
                frequency=joined_frequency(items),
                team=default_team(departments, lead_seats=lead_seats),
            )
        )
    for line, quarter in zip(lines, assign_quarters([line.total for line in lines]), strict=True):
        line.start_quarter = line.end_quarter = quarter
    return lines


# --- staffing ----------------------------------------------------------------------------------


def relevant_fields(department: str, items: Iterable[ItemInfo]) -> frozenset[str]:
    """The enforcement fields a department's officers must hold for a visit: those of its own
    items there; a department without items of its own checks with the others' fields."""
    items = list(items)
    own = frozenset(item.field for item in items if item.department == department)
    return own or frozenset(item.field for item in items)


@dataclass(frozen=True)
class LineLoad:
    """A line's demand on each department: visits per quarter and officers per visit."""

    position: int
    name: str
    items: tuple[ItemInfo, ...]
    per_quarter: Mapping[int, int]
    team: Mapping[str, int]


@dataclass(frozen=True)
class StaffingWarning:
    department: str
    quarter: int
    message: str
    position: int | None = None


def _days(value: Decimal) -> str:
    return f"{value.normalize():f}"


def staffing_warnings(
    loads: Sequence[LineLoad],
    eligible: Mapping[tuple[str, str, int], frozenset[int]],
    *,
    year: int,
    names: Mapping[str, str],
    days_per_visit: Decimal,
    officer_days: Mapping[str, Decimal],
) -> list[StaffingWarning]:
    """Where a department cannot staff its share.

    `eligible[(department, field, quarter)]` holds the ids of the department's officers who may
    inspect for that field during the whole quarter. A line warns when a department has fewer
    such officers than it puts on each team; a department's quarter warns when the officer-days
    its visits need (visits × seats × days per visit) exceed what its eligible officers can give
    (officers × `officer_days[department]`).
    """
    warnings: list[StaffingWarning] = []
    need: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    pool: dict[tuple[str, int], set[int]] = defaultdict(set)
    for load in loads:
        for department, seats in load.team.items():
            fields = relevant_fields(department, load.items)
            for quarter, visits in sorted(load.per_quarter.items()):
                if visits <= 0:
                    continue
                officers: set[int] = set()
                for code in fields:
                    officers |= eligible.get((department, code, quarter), frozenset())
                pool[(department, quarter)] |= officers
                need[(department, quarter)] += visits * seats * days_per_visit
                if len(officers) < seats:
                    warnings.append(
                        StaffingWarning(
                            department=department,
                            quarter=quarter,
                            position=load.position,
                            message=(
                                f"第{load.position}项「{load.name}」：{names[department]}"
                                f"{year}年{QUARTER_NAMES[quarter]}只有{len(officers)}名"
                                f"符合条件的执法人员，每户检查需{seats}名"
                            ),
                        )
                    )
    for (department, quarter), needed in sorted(need.items()):
        officers = len(pool[(department, quarter)])
        per_officer = officer_days.get(department, Decimal(0))
        available = officers * per_officer
        if needed > available:
            warnings.append(
                StaffingWarning(
                    department=department,
                    quarter=quarter,
                    message=(
                        f"{names[department]}{year}年{QUARTER_NAMES[quarter]}需要"
                        f"{_days(needed)}人日，符合条件的执法人员{officers}名、每人每季度可安排"
                        f"{_days(per_officer)}日，共{_days(available)}人日，人手不足"
                    ),
                )
            )
    return warnings
