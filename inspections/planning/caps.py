"""Reads of the frequency caps (频次上限) and their ledger: the caps a department sees, the caps a
task's inspections fall under, and the firms already at one of them.

The ledger is not a second table. It is a query over the inspections themselves (fieldwork's
records), registered by fieldwork since this app may not import it: every inspection is counted
the moment it exists, nothing can drift out of step with the records, and an existing database
needs no backfill. It stays fast because a draw reads only one year's inspections by the bodies
and fields of its caps (an index on the window's start), a few rows per firm.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from backend.accounts.roles import Role
from backend.organisation.models import Department
from inspections.planning import frequency
from inspections.planning.models import FrequencyCap, InspectionType, SamplingTask

FREQUENCY_CAP = "frequency-cap"
FREQUENCY_CAP_LABEL = "已达年度检查频次上限"

# Given `year=`, `bodies=` and `fields=`, fieldwork returns its inspections of that year by those
# departments for items of those fields (None: any), a queryset annotated with these names: the
# inspection's id, its firm's id, its lead department's id, an item's field id, its type and
# the campaign's 批准机关. It may hold an inspection more than once (once per item). Given
# `per_item=False` as well, it holds each inspection once, without `ledger_field`: what counting
# inspections or listing firms needs.
LEDGER_NAMES = (
    "ledger_inspection",
    "ledger_firm",
    "ledger_body",
    "ledger_field",
    "ledger_kind",
    "ledger_authority",
)
LedgerRows = Callable[..., QuerySet]
_ledger_rows: LedgerRows | None = None


def register_ledger(provider: LedgerRows) -> None:
    global _ledger_rows
    _ledger_rows = provider


# --- who sees which caps -------------------------------------------------------------------------


def caps_visible_to(user) -> QuerySet[FrequencyCap]:
    caps = FrequencyCap.objects.select_related("department", "enforcement_field")
    if not (getattr(user, "is_authenticated", False) and user.has_role(Role.DEPARTMENT_ADMIN)):
        return caps.none()
    return caps.filter(department_id=user.department_id)


def get_cap_for_user(user, pk: int) -> FrequencyCap:
    try:
        return caps_visible_to(user).get(pk=pk)
    except FrequencyCap.DoesNotExist:
        raise Http404("未找到该频次上限") from None


def search_caps(caps: QuerySet[FrequencyCap], q: str) -> QuerySet[FrequencyCap]:
    q = (q or "").strip()
    if not q:
        return caps
    return caps.filter(
        Q(enforcement_field__name__icontains=q)
        | Q(enforcement_field__code__icontains=q)
        | Q(note__icontains=q)
    )


def published_caps() -> QuerySet[FrequencyCap]:
    """Every department's caps, as the portal publishes them beside the item list."""
    return FrequencyCap.objects.select_related("department", "enforcement_field").order_by(
        "department__code", "enforcement_field__code", "level"
    )


# --- the caps a task's inspections fall under ----------------------------------------------------


def _ancestors(department: Department) -> list[Department]:
    found, seen = [], {department.pk}
    parent = department.parent
    while parent is not None and parent.pk not in seen:
        found.append(parent)
        seen.add(parent.pk)
        parent = parent.parent
    return found


def _system(department_id: int) -> frozenset[int]:
    """The department and every department under it."""
    bodies, frontier = {department_id}, {department_id}
    while frontier:
        frontier = set(
            Department.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=bodies)
            .values_list("pk", flat=True)
        )
        bodies |= frontier
    return frozenset(bodies)


def as_cap(cap: FrequencyCap) -> frequency.Cap:
    return frequency.Cap(
        pk=cap.pk,
        bodies=_system(cap.department_id),
        field=cap.enforcement_field_id,
        level=cap.level,
        limit=cap.limit,
        kinds=cap.kinds,
        exempt_higher_campaigns=cap.exempt_higher_campaigns,
    )


def ordered_by_higher_level(authority: str, body: Department) -> bool:
    """Whether a 专项's 批准机关 is above the body: it says 上级, or names a department above it."""
    authority = (authority or "").strip()
    if not authority:
        return False
    return "上级" in authority or authority in {d.name for d in _ancestors(body)}


@dataclass(frozen=True)
class TaskCaps:
    """The caps an inspection of the task would count under, and what the ledger needs."""

    year: int
    caps: list[frequency.Cap]
    models: dict[int, FrequencyCap]


def caps_for_task(task: SamplingTask) -> TaskCaps:
    body = task.department
    level = frequency.level_of_region(body.region_code)
    fields = set(task.items.values_list("item__enforcement_field_id", flat=True))
    higher = task.inspection_type == InspectionType.CAMPAIGN and ordered_by_higher_level(
        task.campaign_authority, body
    )
    setters = [body.pk, *(d.pk for d in _ancestors(body))]
    rows = FrequencyCap.objects.filter(department_id__in=setters).select_related(
        "enforcement_field"
    )
    caps, models = [], {}
    for row in rows.order_by("limit", "pk"):
        cap = as_cap(row)
        if cap.applies_to(body=body.pk, level=level, fields=fields) and cap.counts(
            kind=task.inspection_type, higher_campaign=higher
        ):
            caps.append(cap)
            models[cap.pk] = row
    return TaskCaps(task.window_start.year, caps, models)


def ledger(caps: Iterable[frequency.Cap], *, year: int) -> list[frequency.Entry]:
    """The ledger's lines that `caps` may count: inspections of `year` by their bodies."""
    caps = list(caps)
    if not caps or _ledger_rows is None:
        return []
    bodies = frozenset().union(*(cap.bodies for cap in caps))
    fields = None if any(cap.field is None for cap in caps) else {cap.field for cap in caps}
    departments = {d.pk: d for d in Department.objects.filter(pk__in=bodies)}
    levels = {pk: frequency.level_of_region(d.region_code) for pk, d in departments.items()}
    higher_cache: dict[tuple[str, int], bool] = {}
    entries = []
    rows = _ledger_rows(year=year, bodies=bodies, fields=fields)
    for inspection, firm, body, field, kind, authority in rows.values_list(
        *LEDGER_NAMES
    ).distinct():
        higher = False
        if kind == InspectionType.CAMPAIGN:
            key = (authority, body)
            if key not in higher_cache:
                higher_cache[key] = ordered_by_higher_level(authority, departments[body])
            higher = higher_cache[key]
        entries.append(
            frequency.Entry(inspection, firm, body, levels[body], field, year, kind, higher)
        )
    return entries


def firms_at_cap(task: SamplingTask, found: TaskCaps | None = None) -> dict[int, FrequencyCap]:
    """Firm id → the cap it has reached this year, for an inspection by `task`: the draw
    excludes these firms (`frequency-cap`). `found`: the task's caps, if already read."""
    found = found or caps_for_task(task)
    reached: dict[int, FrequencyCap] = {}
    if _ledger_rows is None:
        return reached
    for cap in found.caps:
        firms = _firms_at_cap_in_database(cap, year=found.year)
        at_cap = _firms_at_cap_line_by_line(cap, year=found.year) if firms is None else set(firms)
        for firm in at_cap:
            reached.setdefault(firm, found.models[cap.pk])
    return reached


def firms_at_cap_array(task: SamplingTask, found: TaskCaps | None = None) -> str:
    """The ids of the firms at one of `task`'s caps this year, sorted, as a PostgreSQL array
    literal (`{3,17,…}`): the firms a draw's pool names `frequency-cap`. The database lists
    and writes them in one statement, so a draw with tens of thousands of firms at a cap makes
    no Python value per firm; a cap whose campaigns' exemption is to be decided line by line
    adds its firms from `frequency` (`firms_at_cap` gives the same firms). PostgreSQL only."""
    found = found or caps_for_task(task)
    if _ledger_rows is None:
        return "{}"
    parts, params, listed = [], [], set()
    for cap in found.caps:
        firms = _firms_at_cap_in_database(cap, year=found.year)
        if firms is None:
            listed |= _firms_at_cap_line_by_line(cap, year=found.year)
            continue
        try:
            sql, firm_params = firms.query.sql_with_params()
        except EmptyResultSet:  # no body or no task to count: no firm at this cap
            continue
        parts.append(f"SELECT f.* FROM ({sql}) f")
        params.extend(firm_params)
    if listed:
        parts.append("SELECT unnest(%s::bigint[])")
        params.append("{" + ",".join(map(str, sorted(listed))) + "}")
    if not parts:
        return "{}"
    query = (
        "SELECT COALESCE(array_agg(DISTINCT s.firm ORDER BY s.firm), '{}')::text"
        f" FROM ({' UNION ALL '.join(parts)}) s(firm)"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchone()[0]


def _firms_at_cap_line_by_line(cap: frequency.Cap, *, year: int) -> set[int]:
    """The firms at `cap` by `frequency`'s arithmetic over the ledger's lines (campaigns that
    may be exempt)."""
    entries = ledger([cap], year=year)
    counts = frequency.counts_per_firm(cap, entries, year=year)
    return {firm for firm, n in counts.items() if n >= cap.limit}


def _firms_at_cap_in_database(cap: frequency.Cap, *, year: int) -> QuerySet | None:
    """The ids of the firms at `cap` (a flat values_list, a firm possibly more than once),
    counted by the database (a draw's case: tens of thousands of firms, where building the
    ledger's lines in Python would cost more than the pool itself); None when a campaign's
    exemption is to be decided, which `frequency` does. The same rules as
    `frequency.counted` (tests/fieldwork/test_frequency_caps.py compares them).

    Only the firms are read, never their counts. At a cap of 1 (the usual 同一企业一年一次) a
    firm is at it with any counted inspection, so the database lists the firms instead of
    counting each one's inspections. Either way it reads each inspection once
    (`per_item=False`), not once per item of its task."""
    rows = _counted_rows(cap, year=year)
    if rows is None:
        return None
    if cap.limit <= 1:
        return rows.values_list("ledger_firm", flat=True)
    return (
        rows.values("ledger_firm")
        .annotate(n=Count("ledger_inspection"))
        .filter(n__gte=cap.limit)
        .values_list("ledger_firm", flat=True)
    )


def counts_at_least(cap: FrequencyCap, *, year: int, at_least: int) -> dict[int, int]:
    """Firm id → its inspections counted under `cap` in `year`, for the firms with at least
    `at_least` of them: the supervisor's 高频 warning (a firm at 80 % of a cap) reads the same
    ledger as the draw."""
    as_rules = as_cap(cap)
    counts = _counts_in_database(as_rules, year=year, at_least=at_least)
    if counts is None:  # campaigns that may be exempt: the arithmetic, line by line
        entries = ledger([as_rules], year=year)
        every = frequency.counts_per_firm(as_rules, entries, year=year)
        counts = {firm: n for firm, n in every.items() if n >= at_least}
    return counts


def _counts_in_database(cap: frequency.Cap, *, year: int, at_least: int) -> dict[int, int] | None:
    if _ledger_rows is None:
        return {}
    rows = _counted_rows(cap, year=year)
    if rows is None:
        return None
    return dict(
        rows.values("ledger_firm")
        .annotate(n=Count("ledger_inspection"))
        .filter(n__gte=at_least)
        .values_list("ledger_firm", "n")
    )


def _counted_rows(cap: frequency.Cap, *, year: int) -> QuerySet | None:
    """The inspections `cap` counts in `year`, each once; None when a campaign's exemption is
    to be decided line by line (`frequency`)."""
    bodies = cap.bodies
    if cap.level != frequency.COMBINED:
        regions = Department.objects.filter(pk__in=bodies).values_list("pk", "region_code")
        bodies = {pk for pk, code in regions if frequency.level_of_region(code) == cap.level}
    fields = None if cap.field is None else {cap.field}
    rows = _ledger_rows(year=year, bodies=bodies, fields=fields, per_item=False)
    rows = rows.filter(ledger_kind__in=cap.kinds)
    if (
        cap.exempt_higher_campaigns
        and InspectionType.CAMPAIGN in cap.kinds
        and rows.filter(ledger_kind=InspectionType.CAMPAIGN).exists()
    ):
        return None
    return rows


@dataclass(frozen=True)
class PassedCap:
    cap: FrequencyCap
    counted: int  # the firm's inspections counted this year, this one included

    @property
    def label(self) -> str:
        return f"{self.cap}（本次为当年第{self.counted}次）"


def caps_passed(*, task: SamplingTask, firm_id: int, inspection_id: int) -> list[PassedCap]:
    """The caps one inspection of `firm_id` by `task` passes: with it the firm's counted
    inspections this year would be more than the cap allows."""
    found = caps_for_task(task)
    entries = [e for e in ledger(found.caps, year=found.year) if e.firm == firm_id]
    passed = []
    for cap in found.caps:
        others = frequency.counts_per_firm(cap, entries, year=found.year, without=inspection_id)
        n = others.get(firm_id, 0) + 1
        if n > cap.limit:
            passed.append(PassedCap(found.models[cap.pk], n))
    return passed
