"""The same firm for the same item at most once within a task's exclusion window (domain.md):
a new task's scope names the firms another task inspected, or will inspect, for one of its items
as `recent-inspection`, and its draw cannot take them."""

from datetime import date

from inspections.draws import dr1
from inspections.draws.services.draws import announce_firms_draw
from inspections.planning import selectors
from inspections.planning.selectors import scope_counts, task_exclusions


def _later_task(open_draft_task, **overrides):
    """Another task of the same plan and items, in the autumn."""
    fields = {"window_start": date(2021, 9, 1), "window_end": date(2021, 9, 30)}
    return open_draft_task(**{**fields, **overrides})


def test_firms_inspected_for_the_same_item_are_excluded_with_their_reason(
    started, planner, open_draft_task
):
    inspected = set(started.inspections.values_list("firm_id", flat=True))
    assert len(inspected) == 5  # A 1, B 2, C 2 of the directory
    later = _later_task(open_draft_task)  # 12 months by default: June is within

    excluded = dict(task_exclusions(later))
    assert {firm for firm, reason in excluded.items() if reason == "recent-inspection"} == inspected
    counts = scope_counts(later)
    assert sum(s.excluded.get("recent-inspection", 0) for s in counts.strata) == 5
    labels = {label for s in counts.strata for _code, label, _n in s.excluded_labels}
    assert "近期已就同一事项检查" in labels

    draw = announce_firms_draw(actor=planner, task=later)
    pool = dr1.parse_pool(bytes(draw.pool))
    uscc = set(started.inspections.values_list("firm_uscc", flat=True))
    assert {r.key for r in pool if r.excluded == "recent-inspection"} == uscc
    assert not any(r.eligible for r in pool if r.key in uscc)


def test_the_task_that_inspects_them_does_not_exclude_its_own_firms(started):
    assert all(reason != "recent-inspection" for _firm, reason in task_exclusions(started))


def test_outside_the_window_or_with_no_window_nothing_is_excluded(started, open_draft_task):
    # The June inspections ended on 2021-06-30; two months before 1 September is 1 July.
    short = _later_task(open_draft_task, exclusion_months=2)
    assert all(reason != "recent-inspection" for _firm, reason in task_exclusions(short))
    none = _later_task(open_draft_task, exclusion_months=0)
    assert all(reason != "recent-inspection" for _firm, reason in task_exclusions(none))
    three = _later_task(open_draft_task, exclusion_months=3)
    assert sum(1 for _f, reason in task_exclusions(three) if reason == "recent-inspection") == 5


def test_many_recent_firms_are_read_by_a_subquery_with_the_same_result(  # on PostgreSQL
    started, open_draft_task, monkeypatch
):

    later = _later_task(open_draft_task)
    as_list = list(task_exclusions(later))
    monkeypatch.setattr(selectors, "RECENT_AS_LIST", 2)  # fewer than the 5 inspected
    as_subquery = list(task_exclusions(later))
    assert as_subquery == as_list
    assert sum(1 for _f, reason in as_subquery if reason == "recent-inspection") == 5
