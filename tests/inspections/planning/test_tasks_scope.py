"""A task's scope before anything is drawn: live counts per stratum, eligible and excluded with
their reasons, and the quota they give; the same number of queries however large the
directory."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.directory.models import FirmStatus
from inspections.planning import rules
from inspections.planning.models import ScopeMode
from inspections.planning.selectors import (
    REASON_LABELS,
    expected_firms,
    scope_counts,
    task_exclusions,
    task_scope,
)

Q = rules.Quota


def _strata(counts):
    return {s.risk_class: (s.eligible, s.excluded, s.planned) for s in counts.strata}


def test_counts_per_stratum_with_exclusions_by_reason(open_draft_task, make_directory):
    # published_plan brings 50 A, 30 B, 12 C and 3 D employers in existence.
    gone = {
        FirmStatus.DEREGISTERED: ({"A": 2}, "deregistered"),
        FirmStatus.LICENSE_REVOKED: ({"B": 1}, "revoked"),
        FirmStatus.CANCELLED: ({"B": 1}, "cancelled"),
        FirmStatus.MOVED_OUT: ({"D": 1}, "moved-out"),
    }
    for status, (counts, _code) in gone.items():
        make_directory(counts, status=status)
    task = open_draft_task(quotas={"A": Q(ratio=Decimal("0.02")), "B": Q(count=3)})
    counts = scope_counts(task)
    assert _strata(counts) == {
        "A": (50, {"deregistered": 2}, 1),
        "B": (30, {"cancelled": 1, "revoked": 1}, 3),
        "C": (12, {}, 0),
        "D": (3, {"moved-out": 1}, 0),
    }
    assert (counts.eligible, counts.excluded, counts.planned) == (95, 5, 4)
    assert counts.strata[0].in_scope == 52
    assert REASON_LABELS == {
        "deregistered": "注销",
        "revoked": "吊销",
        "cancelled": "撤销",
        "moved-out": "迁出",
        "recent-inspection": "近期已就同一事项检查",
        "frequency-cap": "已达年度检查频次上限",
    }


def test_the_exclusion_selector_names_each_excluded_firm_with_its_reason(
    open_draft_task, make_directory
):
    [gone] = make_directory({"C": 1}, status=FirmStatus.MOVED_OUT)
    make_directory({"C": 1}, status=FirmStatus.MOVED_OUT, tag="其他标签")  # out of scope
    task = open_draft_task()
    assert list(task_exclusions(task)) == [(gone.pk, "moved-out")]


def test_the_exclusion_window_opens_its_months_before_the_tasks_window(open_draft_task):
    from datetime import date

    from inspections.planning.selectors import exclusion_since

    task = open_draft_task(exclusion_months=12)
    assert exclusion_since(task) == date(2020, 6, 7)  # the window opens on 2021-06-07
    task.window_start, task.exclusion_months = date(2021, 3, 31), 1
    assert exclusion_since(task) == date(2021, 2, 28)  # the month's last day
    task.window_start, task.exclusion_months = date(2021, 1, 15), 13
    assert exclusion_since(task) == date(2019, 12, 15)
    task.exclusion_months = 0
    assert exclusion_since(task) == date(2021, 1, 15)


def test_a_targeted_scope_narrows_the_items_directory(open_draft_task, make_directory):
    make_directory({"A": 4}, region="220203", industry="I6513")  # 吉林市 软件
    make_directory({"A": 3}, region="220104", industry="I6513", complaints=True)
    base = dict(quotas={"A": Q(ratio=Decimal("0.1"))}, scope_mode=ScopeMode.TARGETED)
    by_region = open_draft_task(region_code="220100", **base)  # 长春市 and its districts
    assert _strata(scope_counts(by_region))["A"] == (53, {}, 6)
    by_industry = open_draft_task(industry_prefix="I65", **base)
    assert _strata(scope_counts(by_industry))["A"][0] == 7
    by_flag = open_draft_task(flags=["complaints"], **base)
    assert _strata(scope_counts(by_flag))["A"][0] == 3
    by_tag = open_draft_task(tags=["高新技术企业"], **base)
    assert scope_counts(by_tag).eligible == 0


def test_a_status_filter_keeps_only_the_chosen_statuses_in_scope(open_draft_task, make_directory):
    make_directory({"A": 2}, status=FirmStatus.DEREGISTERED)
    task = open_draft_task(
        scope_mode=ScopeMode.TARGETED,
        statuses=[FirmStatus.DEREGISTERED],
        quotas={"A": Q(ratio=Decimal("0.02"))},
    )
    assert _strata(scope_counts(task))["A"] == (0, {"deregistered": 2}, 0)


def test_the_scope_is_every_firm_at_least_one_item_applies_to(
    planner, open_draft_task, publish_item, make_directory
):
    other = publish_item(rules=[{"tag": "高新技术企业"}])
    make_directory({"D": 4}, tag="高新技术企业")
    line_items = list(open_draft_task().items.all())
    task = open_draft_task(items=[*line_items, other])
    assert scope_counts(task).eligible == 95 + 4
    assert task_scope(task).count() == 99


def test_a_fixed_count_beyond_a_cap_or_the_stratum_is_flagged(open_draft_task, make_directory):
    task = open_draft_task(quotas={"A": Q(count=6)})
    assert scope_counts(task).warnings == [
        "A类固定数量6户超过事项KJ-WGR-001抽查比例上限10%对应的5户"
    ]


def test_counting_takes_the_same_queries_whatever_the_size_of_the_directory(
    open_draft_task, make_directory
):
    task = open_draft_task()
    with CaptureQueriesContext(connection) as small:
        scope_counts(task)
    make_directory({"A": 300, "B": 200}, status=FirmStatus.ACTIVE)
    make_directory({"C": 50}, status=FirmStatus.DEREGISTERED)
    with CaptureQueriesContext(connection) as large:
        counts = scope_counts(task)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert counts.eligible == 95 + 500
    grouped = [q["sql"] for q in large.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and "risk_class" in grouped[0]


def test_the_dashboards_cached_estimate_agrees_with_the_live_count(open_draft_task, make_directory):
    make_directory({"B": 4}, status=FirmStatus.CANCELLED)
    task = open_draft_task(quotas={"B": Q(ratio=Decimal("0.1")), "D": Q(count=2)})
    assert expected_firms(task) == scope_counts(task).planned == 3 + 2
    with CaptureQueriesContext(connection) as again:
        expected_firms(task)
    assert not [q for q in again.captured_queries if "GROUP BY" in q["sql"]]  # from the cache
