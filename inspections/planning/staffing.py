"""Which officers could staff a plan or a task, through personnel's eligibility rules.

An officer "could staff" a visit for an enforcement field during a window when
`personnel.eligibility` finds no reason against them that does not depend on the firm: on
duty, a usable certificate covering the field on every day of the window, and the department's
training rule. Conflicts of interest and cross assignment depend on the firm and are judged by
the draw itself. Experts are not officers and never count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backend.organisation.models import Department
from inspections.planning import rules
from inspections.planning.items import item_infos
from inspections.planning.models import PlanningSettings, SamplingTask
from personnel.eligibility import EligibilityChecker, FirmRef, ItemRef, Window
from personnel.models import (
    ON_ROSTER,
    Officer,
)

# No firm: its conflicts and its area are the draw's business.
_ANY_FIRM = FirmRef(uscc="", region_code="")


def eligible_officer_ids(
    *, departments: Iterable[str], fields: Iterable[str], window: Window
) -> dict[tuple[str, str], frozenset[int]]:
    """{(department code, field code): ids of its officers who may inspect in that field}.

    Five queries whatever the numbers of officers and fields (one EligibilityChecker load).
    """
    fields = sorted(set(fields))
    officers = Officer.objects.filter(
        department__code__in=set(departments), status__in=ON_ROSTER
    ).order_by("pk")
    checker = EligibilityChecker(officers, window)
    found: dict[tuple[str, str], set[int]] = {}
    for officer in checker.officers:
        for code in fields:
            if checker.check(officer, firm=_ANY_FIRM, item=ItemRef(code)).eligible:
                found.setdefault((officer.department.code, code), set()).add(officer.pk)
    return {key: frozenset(ids) for key, ids in found.items()}


def settings_for(department: Department) -> PlanningSettings:
    """The department's planning settings, or the defaults (unsaved) if it never set them."""
    try:
        return department.planning_settings
    except PlanningSettings.DoesNotExist:
        return PlanningSettings(department=department)


def plan_staffing_warnings(
    loads: Sequence[rules.LineLoad], *, year: int, lead: Department
) -> list[rules.StaffingWarning]:
    """The staffing warnings of a plan's lines (see rules.staffing_warnings)."""
    codes = sorted({code for load in loads for code in load.team})
    fields = {item.field for load in loads for item in load.items}
    quarters = sorted({q for load in loads for q, n in load.per_quarter.items() if n > 0})
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    eligible: dict[tuple[str, str, int], frozenset[int]] = {}
    for quarter in quarters:
        window = Window(*rules.quarter_window(year, quarter))
        for (code, field), ids in eligible_officer_ids(
            departments=codes, fields=fields, window=window
        ).items():
            eligible[(code, field, quarter)] = ids
    return rules.staffing_warnings(
        loads,
        eligible,
        year=year,
        names={code: d.name for code, d in departments.items()},
        days_per_visit=settings_for(lead).days_per_visit,
        officer_days={
            code: settings_for(d).officer_days_per_quarter for code, d in departments.items()
        },
    )


@dataclass(frozen=True)
class DepartmentStaffing:
    """A department's seats on a task against the officers who could fill them."""

    department: Department
    seats: int
    eligible: int
    fields: frozenset[str]
    confirmed: bool
    needed: int | None = None  # officer-visits the expected firms need (firms × seats)
    capacity: int | None = None  # what the eligible officers can take (officers × cap)

    @property
    def enough(self) -> bool:
        if self.eligible < self.seats:
            return False
        return self.needed is None or self.capacity is None or self.needed <= self.capacity

    @property
    def problem(self) -> str:
        if self.eligible < self.seats:
            return (
                f"{self.department.name}只有{self.eligible}名符合条件的执法人员，"
                f"每组需{self.seats}名"
            )
        if not self.enough:
            return (
                f"{self.department.name}需安排{self.needed}人次，符合条件的执法人员"
                f"{self.eligible}名按每人上限最多{self.capacity}人次"
            )
        return ""


def item_infos_of(task: SamplingTask) -> list[rules.ItemInfo]:
    return item_infos(task.items.select_related("item__department", "item__enforcement_field"))


def task_staffing(
    task: SamplingTask, *, expected_firms: int | None = None
) -> list[DepartmentStaffing]:
    """Each department of the task with its seats and eligible officers during the window.

    With `expected_firms` (the firms the draw will take), also whether the eligible officers
    can cover every team within the task's cap on firms per officer.
    """
    infos = item_infos_of(task)
    participations = list(task.participations.select_related("department"))
    codes = [p.department.code for p in participations]
    window = Window(task.window_start, task.window_end)
    eligible = eligible_officer_ids(
        departments=codes, fields={info.field for info in infos}, window=window
    )
    rows = []
    for participation in participations:
        code = participation.department.code
        fields = rules.relevant_fields(code, infos)
        ids: set[int] = set()
        for field in fields:
            ids |= eligible.get((code, field), frozenset())
        needed = capacity = None
        if expected_firms is not None:
            needed = expected_firms * participation.seats
            capacity = len(ids) * task.officer_cap
        rows.append(
            DepartmentStaffing(
                department=participation.department,
                seats=participation.seats,
                eligible=len(ids),
                fields=fields,
                confirmed=participation.is_confirmed,
                needed=needed,
                capacity=capacity,
            )
        )
    return rows


def department_has_certified_officers(
    department: Department, *, infos: Sequence[rules.ItemInfo], window: Window
) -> bool:
    fields = rules.relevant_fields(department.code, infos)
    eligible = eligible_officer_ids(departments=[department.code], fields=fields, window=window)
    return any(eligible.get((department.code, field)) for field in fields)
