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

多头 and 重复 pair the inspections in the database: one self-join on the firm each (多头 within
the days apart, 重复 within the later task's exclusion window, which SQL computes as
`exclusion_since` does), returning only the inspections paired, which are then read and worded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

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
# Inspections read by primary key at most this many at a time.
ROWS_PER_READ = 5000
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


# --- SQL helpers ---------------------------------------------------------------------------------


def _sql(rows: QuerySet) -> tuple[str, tuple]:
    """A queryset's SELECT and its parameters, to use as a derived table in raw SQL."""
    return rows.query.sql_with_params()


def _day(value: date):
    return connection.ops.adapt_datefield_value(value)


def _days_after(column: str, days: int) -> str:
    """SQL for the date `days` days after the date in `column` (a negative `days`: before)."""
    days = int(days)
    if connection.vendor == "sqlite":
        return f"date({column}, '{days:+d} days')"
    return f"({column} + {days})"


def _exclusion_since_sql(start: str, months: str) -> str:
    """SQL for planning's `exclusion_since`: the day `months` months before the date `start`,
    the same day of the month or that month's last day."""
    if connection.vendor == "sqlite":
        first = f"date({start}, 'start of month', '-' || {months} || ' months')"
        length = f"CAST(julianday({first}, '+1 month') - julianday({first}) AS INTEGER)"
        day = f"CAST(substr({start}, 9, 2) AS INTEGER)"
        return f"date({first}, '+' || (MIN({day}, {length}) - 1) || ' days')"
    # PostgreSQL's month arithmetic keeps the day, or takes the month's last one.
    return f"CAST({start} - make_interval(months => {months}) AS date)"


def _in_range_sql(column: str, since: date | None, until: date | None) -> tuple[str, list]:
    parts, params = [], []
    if since is not None:
        parts.append(f"{column} >= %s")
        params.append(_day(since))
    if until is not None:
        parts.append(f"{column} <= %s")
        params.append(_day(until))
    return " AND ".join(parts) or "1 = 1", params


def _rows_by_pk(pks, *fields: str) -> dict[int, dict]:
    """The rows of inspections `pks`: on PostgreSQL in one read with the ids as one array
    parameter (thousands of placeholders cost the driver more than the query), elsewhere in
    chunks (SQLite takes at most 32,766 parameters)."""
    pks = sorted(set(pks))
    rows: dict[int, dict] = {}
    if connection.vendor == "postgresql":
        reads = [RawSQL("SELECT unnest(%s::bigint[])", [pks])] if pks else []
    else:
        reads = [pks[at : at + ROWS_PER_READ] for at in range(0, len(pks), ROWS_PER_READ)]
    for chunk in reads:
        for row in Inspection.objects.filter(pk__in=chunk).order_by().values(*fields):
            rows[row["pk"]] = row
    return rows


# --- 多头 ----------------------------------------------------------------------------------------


def _multiple_bodies_sql(
    wide: QuerySet[Inspection], *, days: int, since: date | None, until: date | None
) -> RawSQL:
    """The inspections of `wide` paired with another of `wide`: the same firm, another body,
    windows starting at most `days` days apart, one of the two starting within the range.
    One self-join on the firm, in the database."""
    sql, params = _sql(wide.values_list("pk", "firm_id", "window_start", "task__department_id"))
    # The same rows twice as derived tables, not one CTE: PostgreSQL then estimates the join
    # from the table's statistics (a CTE's guess made it plan millions of rows and compile JIT).
    side = "SELECT w.pk AS id, w.firm_id, w.window_start AS ws, w.task__department_id AS dept"
    params = list(params) * 2
    condition = ""
    if since is not None or until is not None:
        a_in, a_params = _in_range_sql("a.ws", since, until)
        b_in, b_params = _in_range_sql("b.ws", since, until)
        condition = f"WHERE ({a_in}) OR ({b_in})"
        params += a_params + b_params
    return RawSQL(
        f"SELECT a.id FROM ({side} FROM ({sql}) w) a JOIN ({side} FROM ({sql}) w) b "
        "ON b.firm_id = a.firm_id AND b.dept <> a.dept "
        f"AND b.ws >= {_days_after('a.ws', -days)} AND b.ws <= {_days_after('a.ws', days)} "
        f"{condition}",
        params,
    )


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
    paired = _multiple_bodies_sql(wide, days=days, since=since, until=until)
    rows = (
        Inspection.objects.filter(pk__in=paired)
        .order_by("firm_id", "window_start", "pk")
        .values(*INVOLVED_FIELDS)
    )
    per_firm: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        per_firm[row["firm_id"]].append(row)
    found = []
    for inspections in per_firm.values():
        involved = tuple(_involved(r) for r in inspections)
        departments = tuple(dict.fromkeys(i.department_id for i in involved))
        if filters.department and filters.department not in departments:
            continue
        row = inspections[0]
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


def _repeated_items_sql(later: QuerySet[Inspection]) -> tuple[str, list]:
    """(later, earlier, item) for each inspection of `later` and each other task's inspection
    of the same firm for one of the same items that starts before it (by start, then id) and
    ends on or after the later task's `exclusion_since`. One join in the database.

    The earlier side is also bounded by the earliest of those windows, the same for every row,
    so that the database reads only the inspections ending since then (the index on the end)
    rather than all of them; the later tasks are found by the index on the task and the start.
    Derived tables, not CTEs: PostgreSQL estimates them from the table's statistics and may
    run the join in parallel."""
    sql, params = _sql(later.values_list("pk", "firm_id", "window_start", "task_id"))
    task_sql, task_params = _sql(later.values("task_id"))
    tasks = SamplingTask._meta.db_table
    through = SamplingTask.items.through
    task_items = through._meta.db_table
    task_col = through._meta.get_field("samplingtask").column
    version_col = through._meta.get_field("inspectionitemversion").column
    versions = SamplingTask.items.field.related_model._meta.db_table
    inspections = Inspection._meta.db_table
    window = _exclusion_since_sql("t.window_start", "t.exclusion_months")
    windows = (
        f"SELECT t.id AS task_id, {window} AS since FROM {tasks} t WHERE t.exclusion_months > 0"
    )
    return (
        "SELECT DISTINCT r.id, o.id, rv.item_id FROM "
        f"(SELECT l.pk AS id, l.firm_id, l.window_start AS ws, l.task_id FROM ({sql}) l) r "
        f"JOIN ({windows}) w ON w.task_id = r.task_id "
        f"JOIN {inspections} o ON o.firm_id = r.firm_id AND o.task_id <> r.task_id "
        "AND o.window_end >= w.since "
        f"AND o.window_end >= (SELECT MIN(b.since) FROM ({windows}) b "
        f"WHERE b.task_id IN ({task_sql})) "
        "AND (o.window_start < r.ws OR (o.window_start = r.ws AND o.id < r.id)) "
        f"JOIN {task_items} rti ON rti.{task_col} = r.task_id "
        f"JOIN {versions} rv ON rv.id = rti.{version_col} "
        f"JOIN {task_items} oti ON oti.{task_col} = o.task_id "
        f"JOIN {versions} ov ON ov.id = oti.{version_col} AND ov.item_id = rv.item_id",
        [*params, *task_params],
    )


def repeated_items(filters: Filters, *, today: date) -> list[Found]:
    since, until = filters.since, filters.until
    later = _search(_started(Inspection.objects.order_by(), since, until), filters.q)
    if filters.department:
        later = later.filter(task__department_id=filters.department)
    with connection.cursor() as cursor:
        cursor.execute(*_repeated_items_sql(later))
        pairs = cursor.fetchall()
    if not pairs:
        return []
    before: dict[int, set[int]] = defaultdict(set)
    shared: dict[int, set[int]] = defaultdict(set)
    for later_pk, earlier_pk, item_id in pairs:
        before[later_pk].add(earlier_pk)
        shared[later_pk].add(item_id)
    rows = _rows_by_pk(
        {pk for pair in pairs for pk in pair[:2]},
        *INVOLVED_FIELDS,
        "task__window_start",
        "task__exclusion_months",
    )
    item_codes = dict(
        InspectionItem.objects.filter(pk__in={i for _, _, i in pairs}).values_list("pk", "code")
    )
    found = []
    for row in sorted((rows[pk] for pk in before), key=lambda r: (r["firm_id"], r["pk"])):
        months = row["task__exclusion_months"]
        window = _window_since(row["task__window_start"], months)
        earlier = sorted(
            (rows[pk] for pk in before[row["pk"]]), key=lambda o: (o["window_start"], o["pk"])
        )
        codes = sorted(item_codes.get(i, "") for i in shared[row["pk"]])
        previous = "、".join(
            f"{o['task__department__name']}的检查{o['code']}（{chinese_date(o['window_start'])}至"
            f"{chinese_date(o['window_end'])}）"
            for o in earlier
        )
        involved = tuple(_involved(r) for r in [*earlier, row])
        found.append(
            Found(
                kind=WarningKind.REPEATED,
                firm_uscc=row["firm_uscc"],
                firm_name=row["firm_name"],
                day=row["window_start"],
                text=(
                    f"{row['task__department__name']}的检查{row['code']}"
                    f"（{chinese_date(row['window_start'])}起）就事项"
                    f"{'、'.join(dict.fromkeys(codes))}检查{row['firm_name']}，"
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
