"""The supervisor's warnings (监督预警), computed by queries over the inspections themselves.

There is no table of warnings: each kind is read from the records when asked, so a warning can
never disagree with them, and an existing database needs no backfill.

- 多头: one firm inspected by two or more bodies (a task's lead department) whose windows start
  at most `SUPERVISION_MULTIPLE_BODIES_DAYS` days apart.
- 重复: an inspection of a firm for an item that another task inspected, or will inspect, within
  the later task's exclusion window (the same rule as a draw's `recent-inspection` exclusion:
  the window ends on or after `exclusion_since(task)`).
- 高频: a firm at 80 % or more of a frequency cap this year, read from the caps' own ledger
  (`inspections.planning.caps.counts_at_least`).
- 超期: an inspection started in an emergency whose approval after the fact is past its deadline.

Each query first lets the database narrow the firms (a GROUP BY over the date range, on the
inspections' indexes by window start and by firm), and only the few firms it finds are
read row by row to pair their inspections exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from backend.organisation.models import Department, InspectionBody
from backend.text import chinese_date
from fieldwork.models import ApprovalState, Inspection
from fieldwork.selectors import recent_inspections
from inspections.directory.models import Firm, InspectionItem
from inspections.planning.caps import as_cap, caps_for_task, counts_at_least
from inspections.planning.models import FrequencyCap, SamplingTask
from inspections.planning.selectors import exclusion_since, task_scope
from supervision.models import WarningKind

# A page shows at most this many warnings of each kind (and says how many there are).
SHOWN = 200
# Without a date range, the warnings of inspections starting in the last half year (up to the
# reference day); 高频 counts the reference day's year.
DEFAULT_DAYS_BACK = 180
# 高频: a firm's counted inspections at or above four fifths of the cap.
HIGH_SHARE_NUMERATOR, HIGH_SHARE_DENOMINATOR = 4, 5


def reference_day(today: date) -> date:
    """The day "recent" is counted back from: today, or the latest start of an inspection when
    none starts later (a database of past years, like the demo's, still shows its last half
    year). One read of the index on the window's start."""
    latest = Inspection.objects.aggregate(latest=Max("window_start"))["latest"]
    return min(today, latest) if latest else today


def default_since(today: date) -> date:
    return reference_day(today) - timedelta(days=DEFAULT_DAYS_BACK)


def high_frequency_threshold(limit: int) -> int:
    """The count at which a firm is at 80 % of `limit` (rounded up; at least one inspection)."""
    share = -(-limit * HIGH_SHARE_NUMERATOR // HIGH_SHARE_DENOMINATOR)
    return max(1, share)


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    department: int | None = None
    q: str = ""
    since: date | None = None
    until: date | None = None

    @property
    def kinds(self) -> list[str]:
        return [self.kind] if self.kind in WarningKind.values else list(WarningKind.values)


@dataclass(frozen=True)
class Involved:
    """One inspection a warning is about."""

    pk: int
    code: str
    department_id: int
    department: str
    task_code: str
    window_start: date
    window_end: date


@dataclass(frozen=True)
class Found:
    kind: str
    firm_uscc: str
    firm_name: str
    day: date  # the latest start among its inspections, or the missed deadline
    text: str
    inspections: tuple[Involved, ...] = ()
    departments: tuple[int, ...] = ()  # the departments concerned, to address an opinion

    @property
    def kind_label(self) -> str:
        return str(WarningKind(self.kind).label)


@dataclass
class Warnings:
    found: dict[str, list[Found]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def rows(self) -> list[Found]:
        return [w for kind in WarningKind.values for w in self.found.get(kind, [])]


INVOLVED_FIELDS = (
    "pk",
    "code",
    "firm_id",
    "firm_uscc",
    "firm_name",
    "window_start",
    "window_end",
    "task_id",
    "task__code",
    "task__department_id",
    "task__department__name",
)


def _involved(row: dict) -> Involved:
    return Involved(
        pk=row["pk"],
        code=row["code"],
        department_id=row["task__department_id"],
        department=row["task__department__name"],
        task_code=row["task__code"],
        window_start=row["window_start"],
        window_end=row["window_end"],
    )


def _search(rows: QuerySet[Inspection], q: str) -> QuerySet[Inspection]:
    q = (q or "").strip()
    if not q:
        return rows
    return rows.filter(Q(firm_uscc=q.upper()) | Q(firm_name__icontains=q))


def _started(rows: QuerySet[Inspection], since: date | None, until: date | None):
    if since is not None:
        rows = rows.filter(window_start__gte=since)
    if until is not None:
        rows = rows.filter(window_start__lte=until)
    return rows


def _in_range(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def find_warnings(filters: Filters, *, today: date, limit: int | None = SHOWN) -> Warnings:
    """Every warning of the filters' kinds, at most `limit` of each (None: all), newest first."""
    finders = {
        WarningKind.MULTIPLE: multiple_bodies,
        WarningKind.REPEATED: repeated_items,
        WarningKind.FREQUENT: high_frequency,
        WarningKind.OVERDUE: overdue_approvals,
        WarningKind.UNREGISTERED: unregistered_bodies,
    }
    result = Warnings()
    for kind in filters.kinds:
        found = sorted(finders[kind](filters, today=today), key=lambda w: w.day, reverse=True)
        result.totals[kind] = len(found)
        result.found[kind] = found if limit is None else found[:limit]
    return result


# --- 多头 ----------------------------------------------------------------------------------------


def multiple_bodies(filters: Filters, *, today: date) -> list[Found]:
    days = settings.SUPERVISION_MULTIPLE_BODIES_DAYS
    gap = timedelta(days=days)
    since, until = filters.since, filters.until
    wide = _search(
        _started(
            Inspection.objects.order_by(),
            since - gap if since else None,
            until + gap if until else None,
        ),
        filters.q,
    )
    if filters.department:
        wide = wide.filter(
            firm_id__in=_started(wide, since, until)
            .filter(task__department_id=filters.department)
            .values("firm_id")
        )
    firms = (
        wide.values("firm_id")
        .annotate(bodies=Count("task__department_id", distinct=True))
        .filter(bodies__gte=2)
        .values("firm_id")
    )
    rows = wide.filter(firm_id__in=firms).values(*INVOLVED_FIELDS).order_by("firm_id")
    per_firm: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        per_firm[row["firm_id"]].append(row)
    found = []
    for inspections in per_firm.values():
        inspections.sort(key=lambda r: (r["window_start"], r["pk"]))
        paired: dict[int, dict] = {}
        for i, first in enumerate(inspections):
            for second in inspections[i + 1 :]:
                if second["window_start"] - first["window_start"] > gap:
                    break
                if second["task__department_id"] == first["task__department_id"]:
                    continue
                if not (
                    _in_range(first["window_start"], since, until)
                    or _in_range(second["window_start"], since, until)
                ):
                    continue
                paired[first["pk"]] = first
                paired[second["pk"]] = second
        if not paired:
            continue
        involved = tuple(_involved(r) for r in sorted(paired.values(), key=lambda r: r["pk"]))
        involved = tuple(sorted(involved, key=lambda i: (i.window_start, i.pk)))
        departments = tuple(dict.fromkeys(i.department_id for i in involved))
        if filters.department and filters.department not in departments:
            continue
        row = next(iter(paired.values()))
        names = "、".join(
            f"{i.department}（{chinese_date(i.window_start)}起，{i.code}）" for i in involved
        )
        found.append(
            Found(
                kind=WarningKind.MULTIPLE,
                firm_uscc=row["firm_uscc"],
                firm_name=row["firm_name"],
                day=max(i.window_start for i in involved),
                text=(
                    f"{row['firm_name']}在{days}日内被{len(departments)}个部门分别检查：{names}。"
                    "请核实能否合并为联合检查。"
                ),
                inspections=involved,
                departments=departments,
            )
        )
    return found


# --- 重复 ----------------------------------------------------------------------------------------


def _window_since(task_start: date, months: int) -> date:
    """The first day of an exclusion window of `months` before `task_start`, as the draw
    computes it (planning's `exclusion_since`)."""
    return exclusion_since(SimpleNamespace(window_start=task_start, exclusion_months=months))


def repeated_items(filters: Filters, *, today: date) -> list[Found]:
    since, until = filters.since, filters.until
    later = _search(_started(Inspection.objects.order_by(), since, until), filters.q)
    if filters.department:
        later = later.filter(task__department_id=filters.department)
    bounds = later.aggregate(months=Max("task__exclusion_months"), first=Max("window_start"))
    longest = bounds["months"] or 0
    if not longest or bounds["first"] is None:
        return []
    # The earlier inspections may lie up to the longest window before the range.
    earlier = Inspection.objects.order_by()
    if since is not None:
        earlier = earlier.filter(window_end__gte=_window_since(since, longest))
    if until is not None:
        earlier = earlier.filter(window_start__lte=until)
    earlier = earlier.filter(firm_id__in=later.values("firm_id"))
    firms = (
        earlier.values("firm_id", "task__items__item_id")
        .annotate(tasks=Count("task_id", distinct=True))
        .filter(tasks__gte=2)
        .values("firm_id")
    )
    rows = (
        earlier.filter(firm_id__in=firms)
        .values(
            *INVOLVED_FIELDS,
            "task__items__item_id",
            "task__window_start",
            "task__exclusion_months",
        )
        .order_by("firm_id")
    )
    by_pk: dict[int, dict] = {}
    items_of: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        by_pk.setdefault(row["pk"], row)
        items_of[row["pk"]].add(row["task__items__item_id"])
    per_firm: dict[int, list[dict]] = defaultdict(list)
    for row in by_pk.values():
        per_firm[row["firm_id"]].append(row)
    later_pks = None
    if filters.department or filters.q:
        later_pks = set(later.filter(firm_id__in=per_firm).values_list("pk", flat=True))
    item_codes = dict(
        InspectionItem.objects.filter(
            pk__in={i for items in items_of.values() for i in items}
        ).values_list("pk", "code")
    )
    found = []
    for inspections in per_firm.values():
        for row in inspections:
            months = row["task__exclusion_months"]
            if not months or not _in_range(row["window_start"], since, until):
                continue
            if later_pks is not None and row["pk"] not in later_pks:
                continue
            window = _window_since(row["task__window_start"], months)
            before = [
                other
                for other in inspections
                if other["task_id"] != row["task_id"]
                and other["window_end"] >= window
                and (other["window_start"], other["pk"]) < (row["window_start"], row["pk"])
                and items_of[other["pk"]] & items_of[row["pk"]]
            ]
            if not before:
                continue
            shared = sorted(
                item_codes.get(i, "")
                for other in before
                for i in items_of[other["pk"]] & items_of[row["pk"]]
            )
            previous = "、".join(
                f"{o['task__department__name']}的检查{o['code']}（{chinese_date(o['window_start'])}至"
                f"{chinese_date(o['window_end'])}）"
                for o in sorted(before, key=lambda o: (o["window_start"], o["pk"]))
            )
            involved = tuple(_involved(r) for r in [*before, row])
            found.append(
                Found(
                    kind=WarningKind.REPEATED,
                    firm_uscc=row["firm_uscc"],
                    firm_name=row["firm_name"],
                    day=row["window_start"],
                    text=(
                        f"{row['task__department__name']}的检查{row['code']}"
                        f"（{chinese_date(row['window_start'])}起）就事项"
                        f"{'、'.join(dict.fromkeys(shared))}检查{row['firm_name']}，"
                        f"而该对象在任务排除期（{months}个月，自{chinese_date(window)}起）内"
                        f"已就同一事项接受{previous}。"
                    ),
                    inspections=involved,
                    departments=tuple(dict.fromkeys(i.department_id for i in involved)),
                )
            )
    return found


# --- 高频 ----------------------------------------------------------------------------------------


def _caps_near(caps, *, year: int, firms: QuerySet[Firm] | None = None) -> list[Found]:
    found = []
    for cap in caps:
        threshold = high_frequency_threshold(cap.limit)
        counts = counts_at_least(cap, year=year, at_least=threshold)
        if not counts:
            continue
        chosen = Firm.objects.filter(pk__in=list(counts))
        if firms is not None:
            chosen = chosen.filter(pk__in=firms.values("pk"))
        for firm_id, uscc, name in chosen.values_list("pk", "uscc", "name"):
            n = counts[firm_id]
            reached = "已达到" if n >= cap.limit else "接近"
            found.append(
                Found(
                    kind=WarningKind.FREQUENT,
                    firm_uscc=uscc,
                    firm_name=name,
                    day=date(year, 12, 31),
                    text=(
                        f"{name}{year}年已被检查{n}次，{reached}{cap.department.name}设定的"
                        f"检查频次上限（{cap}）。"
                    ),
                    departments=(cap.department_id,),
                )
            )
    return found


def high_frequency(filters: Filters, *, today: date) -> list[Found]:
    year = (filters.until or reference_day(today)).year
    caps = []
    for cap in FrequencyCap.objects.select_related("department", "enforcement_field"):
        if filters.department and filters.department not in as_cap(cap).bodies:
            continue
        caps.append(cap)
    firms = None
    q = (filters.q or "").strip()
    if q:
        firms = Firm.objects.filter(Q(uscc=q.upper()) | Q(name__icontains=q))
    return _caps_near(caps, year=year, firms=firms)


# --- 超期 ----------------------------------------------------------------------------------------


def _overdue_found(rows: QuerySet[Inspection]) -> list[Found]:
    found = []
    for row in rows.values(*INVOLVED_FIELDS, "emergency_started_at", "approval_due"):
        involved = _involved(row)
        found.append(
            Found(
                kind=WarningKind.OVERDUE,
                firm_uscc=row["firm_uscc"],
                firm_name=row["firm_name"],
                day=row["approval_due"],
                text=(
                    f"{involved.department}对{row['firm_name']}的检查{involved.code}"
                    "在紧急情况下先行实施，补办审批期限"
                    f"{chinese_date(row['approval_due'])}已过，至今未补办审批。"
                ),
                inspections=(involved,),
                departments=(involved.department_id,),
            )
        )
    return found


def overdue_approvals(filters: Filters, *, today: date) -> list[Found]:
    """Not narrowed by the date range: a missing approval stays a warning until it exists."""
    rows = _search(
        Inspection.objects.filter(approval_state=ApprovalState.EMERGENCY, approval_due__lt=today),
        filters.q,
    )
    if filters.department:
        rows = rows.filter(task__department_id=filters.department)
    return _overdue_found(rows.order_by("approval_due"))


# --- 未登记主体 -------------------------------------------------------------------------------


def _by_unregistered(rows: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """Those of `rows` whose body (the task's lead department) was not a registered inspection
    body (confirmed and announced) on the day the inspection started."""
    registered = InspectionBody.objects.filter(
        department_id=OuterRef("task__department_id"),
        confirmed_on__isnull=False,
        confirmed_on__lte=OuterRef("window_start"),
    )
    return rows.filter(~Exists(registered))


def _unregistered_found(rows: QuerySet[Inspection]) -> list[Found]:
    found = []
    for row in rows.values(*INVOLVED_FIELDS):
        involved = _involved(row)
        found.append(
            Found(
                kind=WarningKind.UNREGISTERED,
                firm_uscc=row["firm_uscc"],
                firm_name=row["firm_name"],
                day=involved.window_start,
                text=(
                    f"{involved.department}对{row['firm_name']}的检查{involved.code}"
                    f"（{chinese_date(involved.window_start)}起）实施时，{involved.department}"
                    "尚未登记为执法主体（未经确认公告）。"
                ),
                inspections=(involved,),
                departments=(involved.department_id,),
            )
        )
    return found


def unregistered_bodies(filters: Filters, *, today: date) -> list[Found]:
    """Found only once the installation requires registered bodies (`REQUIRE_REGISTERED_BODIES`):
    before that, every department of an upgraded installation is 未登记 and each of its
    inspections would be listed (docs/rules-2025.md)."""
    if not settings.REQUIRE_REGISTERED_BODIES:
        return []
    rows = _search(_started(Inspection.objects.all(), filters.since, filters.until), filters.q)
    if filters.department:
        rows = rows.filter(task__department_id=filters.department)
    return _unregistered_found(_by_unregistered(rows).order_by("window_start", "pk"))


# --- a task's warnings, for its planner ----------------------------------------------------------


def warnings_for_task(task: SamplingTask, *, today: date, limit: int = 10) -> Warnings:
    """The same warnings for one task, before its draw is announced: the firms it may draw
    that another body inspects near its window (多头), that were inspected for one of its items
    within its exclusion window (重复: the draw excludes them), that are at 80 % of a cap its
    inspections count under (高频), and its own inspections past their approval deadline."""
    gap = timedelta(days=settings.SUPERVISION_MULTIPLE_BODIES_DAYS)
    own = task.inspections.values("firm_id")
    firms = own if task.inspections.exists() else task_scope(task).values("pk")
    result = Warnings()

    nearby = (
        Inspection.objects.filter(
            window_start__gte=task.window_start - gap,
            window_start__lte=task.window_end + gap,
            firm_id__in=firms,
        )
        .exclude(task__department_id=task.department_id)
        .order_by("window_start", "pk")
    )
    multiple = _group_by_firm(
        nearby,
        WarningKind.MULTIPLE,
        lambda name, found: (
            f"{name}在本任务检查期前后{gap.days}日内另有{found}；若再由本部门检查即构成多头检查，"
            "请考虑联合检查。"
        ),
    )
    repeated = []
    if task.exclusion_months:
        recent = recent_inspections(task=task, since=exclusion_since(task)).order_by(
            "window_start", "pk"
        )
        repeated = _group_by_firm(
            recent,
            WarningKind.REPEATED,
            lambda name, found: (
                f"{name}在近{task.exclusion_months}个月内已就同一事项接受{found}，抽取时将予排除。"
            ),
        )
    caps = list(caps_for_task(task).models.values())
    frequent = _caps_near(
        caps, year=task.window_start.year, firms=Firm.objects.filter(pk__in=firms)
    )
    overdue = _overdue_found(
        task.inspections.filter(approval_state=ApprovalState.EMERGENCY, approval_due__lt=today)
    )
    unregistered = (
        _unregistered_found(_by_unregistered(task.inspections.all()).order_by("window_start", "pk"))
        if settings.REQUIRE_REGISTERED_BODIES
        else []
    )
    for kind, found in (
        (WarningKind.MULTIPLE, multiple),
        (WarningKind.REPEATED, repeated),
        (WarningKind.FREQUENT, frequent),
        (WarningKind.OVERDUE, overdue),
        (WarningKind.UNREGISTERED, unregistered),
    ):
        result.totals[kind] = len(found)
        result.found[kind] = found[:limit]
    return result


def _group_by_firm(rows: QuerySet[Inspection], kind: str, say) -> list[Found]:
    per_firm: dict[int, list[dict]] = defaultdict(list)
    for row in rows.values(*INVOLVED_FIELDS):
        per_firm[row["firm_id"]].append(row)
    found = []
    for inspections in per_firm.values():
        involved = tuple(_involved(r) for r in inspections)
        described = "、".join(
            f"{i.department}的检查{i.code}（{chinese_date(i.window_start)}至{chinese_date(i.window_end)}）"
            for i in involved
        )
        found.append(
            Found(
                kind=kind,
                firm_uscc=inspections[0]["firm_uscc"],
                firm_name=inspections[0]["firm_name"],
                day=max(i.window_start for i in involved),
                text=say(inspections[0]["firm_name"], described),
                inspections=involved,
                departments=tuple(dict.fromkeys(i.department_id for i in involved)),
            )
        )
    return found


def department_choices() -> list[tuple[int, str]]:
    return list(Department.objects.order_by("code").values_list("pk", "name"))
