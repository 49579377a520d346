"""The 多头 and 重复 warnings, found by joins in the database (supervision.alerts), against a plain
Python reading of their rules over every inspection, on small random data: dates on and around
the days apart and the exclusion window's first day, the same day, month ends, 29 February and the
turn of the year; every filter of the page."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.text import chinese_date
from fieldwork.models import Inspection
from inspections.planning.models import SamplingTask
from inspections.planning.selectors import exclusion_since
from supervision.alerts import Filters, find_warnings

# Month ends, 29 February and the turn of the year, within a year and a bit of each other.
ANCHORS = [
    date(2020, 2, 29),
    date(2020, 3, 31),
    date(2020, 12, 31),
    date(2021, 1, 1),
    date(2021, 1, 31),
    date(2021, 2, 28),
    date(2021, 3, 31),
]
TODAY = date(2021, 6, 30)
TASKS = 5


@pytest.fixture
def world(body_task, make_firm, publish_item, kj, ga, sf):
    """Five tasks (their body, dates, window and items set by each example), two items, three
    firms and three bodies."""
    tasks = [body_task() for _ in range(TASKS)]
    first = tasks[0].items.get()
    second = publish_item(code="KJ-WGR-002")
    firms = [
        make_firm(name="长春甲有限公司"),
        make_firm(name="长春乙有限公司"),
        make_firm(name="吉林丙有限公司"),
    ]
    return {
        "tasks": tasks,
        "versions": [first, second],
        "firms": firms,
        "departments": [kj, ga, sf],
    }


def _near(draw, gap: int) -> date:
    """A day on or beside an anchor, or the days apart (and one more) from it, either way."""
    offset = draw(st.sampled_from([0, 1, gap - 1, gap, gap + 1]))
    sign = draw(st.sampled_from([1, -1]))
    return draw(st.sampled_from(ANCHORS)) + timedelta(days=sign * offset)


def _lay_out(draw, world, gap: int) -> None:
    Inspection.objects.all().delete()
    for n, task in enumerate(world["tasks"]):
        start = _near(draw, gap)
        SamplingTask.objects.filter(pk=task.pk).update(
            department=draw(st.sampled_from(world["departments"])),
            window_start=start,
            window_end=start + timedelta(days=30),
            exclusion_months=draw(st.sampled_from([0, 1, 2, 3, 12])),
        )
        versions = draw(
            st.lists(st.sampled_from(world["versions"]), min_size=1, max_size=2, unique=True)
        )
        task.items.set(versions)
        for firm in world["firms"]:
            if not draw(st.booleans()):
                continue
            start = _near(draw, gap)
            Inspection.objects.create(
                code=f"T{n}-{firm.name[2]}",
                task=task,
                firm=firm,
                firm_uscc=firm.uscc,
                firm_name=firm.name,
                window_start=start,
                window_end=start + timedelta(days=draw(st.sampled_from([0, 1, 30, 61]))),
            )


def _filters(draw, world, gap: int) -> Filters:
    since = _near(draw, gap) if draw(st.booleans()) else None
    until = _near(draw, gap) if draw(st.booleans()) else None
    department = draw(st.none() | st.sampled_from(world["departments"]))
    q = draw(st.sampled_from(["", "长春", "丙", world["firms"][1].uscc.lower(), "无此公司"]))
    return Filters(since=since, until=until, department=department.pk if department else None, q=q)


# --- the rules, read plainly --------------------------------------------------------------------


def _inspections() -> list[Inspection]:
    rows = Inspection.objects.select_related("task__department").order_by("pk")
    return list(rows)


def _items(task: SamplingTask) -> set[int]:
    return {v.item_id for v in task.items.all()}


def _in_range(day: date, f: Filters) -> bool:
    return (f.since is None or day >= f.since) and (f.until is None or day <= f.until)


def _matches(i: Inspection, f: Filters) -> bool:
    q = f.q.strip()
    return not q or i.firm_uscc == q.upper() or q.lower() in i.firm_name.lower()


def _key(i: Inspection):
    return (i.window_start, i.pk)


def reference_multiple(f: Filters, gap: int) -> list[tuple]:
    """Two inspections of a firm by different bodies starting at most `gap` days apart, one of
    them within the range; by department: the firm's, within the range, and one of the pair."""
    everything = [i for i in _inspections() if _matches(i, f)]
    found = []
    for firm in {i.firm_id for i in everything}:
        mine = [i for i in everything if i.firm_id == firm]
        involved = sorted(
            {
                x
                for x in mine
                for y in mine
                if x.task.department_id != y.task.department_id
                and abs((x.window_start - y.window_start).days) <= gap
                and (_in_range(x.window_start, f) or _in_range(y.window_start, f))
            },
            key=_key,
        )
        if not involved:
            continue
        departments = tuple(dict.fromkeys(i.task.department_id for i in involved))
        if f.department and not (
            f.department in departments
            and any(
                i.task.department_id == f.department and _in_range(i.window_start, f) for i in mine
            )
        ):
            continue
        found.append(
            (
                involved[0].firm_uscc,
                max(i.window_start for i in involved),
                tuple(i.code for i in involved),
                departments,
                f"在{gap}日内被{len(departments)}个部门分别检查",
            )
        )
    return sorted(found)


def reference_repeated(f: Filters) -> list[tuple]:
    """An inspection within the range (of the firm searched for, by the department chosen)
    whose task has an exclusion window, and every earlier inspection of the firm by another task
    for one of its items that ends on or after the window's first day."""
    everything = _inspections()
    found = []
    for r in everything:
        if not (
            _in_range(r.window_start, f)
            and _matches(r, f)
            and (not f.department or r.task.department_id == f.department)
            and r.task.exclusion_months
        ):
            continue
        window = exclusion_since(r.task)
        before = sorted(
            (
                o
                for o in everything
                if o.firm_id == r.firm_id
                and o.task_id != r.task_id
                and o.window_end >= window
                and _key(o) < _key(r)
                and _items(o.task) & _items(r.task)
            ),
            key=_key,
        )
        if not before:
            continue
        shared = {i for o in before for i in _items(o.task) & _items(r.task)}
        involved = [*before, r]
        found.append(
            (
                r.firm_uscc,
                r.window_start,
                tuple(i.code for i in involved),
                tuple(dict.fromkeys(i.task.department_id for i in involved)),
                f"（{r.task.exclusion_months}个月，自{chinese_date(window)}起）",
                len(shared),
            )
        )
    return sorted(found)


def _as_found(found, kind: str) -> list[tuple]:
    rows = []
    for w in found:
        row = (
            w.firm_uscc,
            w.day,
            tuple(i.code for i in w.inspections),
            w.departments,
        )
        if kind == "multiple":
            row += (w.text.split("：", 1)[0].removeprefix(w.firm_name),)
        else:
            window = w.text.split("任务排除期", 1)[1].split("内已就", 1)[0]
            items = w.text.split("就事项", 1)[1].split("检查", 1)[0]
            row += (window, len(items.split("、")))
        rows.append(row)
    return sorted(rows)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_warnings_found_in_the_database_are_those_of_the_rules(world, data):
    gap = data.draw(st.sampled_from([0, 1, 7, 30]), label="days")
    _lay_out(data.draw, world, gap)
    f = _filters(data.draw, world, gap)
    with override_settings(SUPERVISION_MULTIPLE_BODIES_DAYS=gap):
        found = find_warnings(
            Filters(**{**f.__dict__, "kind": "multiple"}), today=TODAY, limit=None
        )
        assert _as_found(found.found["multiple"], "multiple") == reference_multiple(f, gap)
        found = find_warnings(
            Filters(**{**f.__dict__, "kind": "repeated"}), today=TODAY, limit=None
        )
        assert _as_found(found.found["repeated"], "repeated") == reference_repeated(f)
        # Newest first, and a page of them keeps the exact totals.
        every = find_warnings(f, today=TODAY, limit=None)
        shown = find_warnings(f, today=TODAY, limit=1)
        for kind, rows in every.found.items():
            days = [w.day for w in rows]
            assert days == sorted(days, reverse=True)
            assert shown.totals[kind] == every.totals[kind] == len(rows)
            assert shown.found[kind] == rows[:1]
