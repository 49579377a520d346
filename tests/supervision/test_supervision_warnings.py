"""The supervisor's warnings (issue 15 item 6): 多头, 重复, 高频 and 超期, each found at its
boundary and not one day past it, and narrowed by the page's filters."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import ApprovalState
from inspections.planning.services.caps import set_frequency_cap
from supervision.alerts import Filters, find_warnings, high_frequency_threshold
from tests.conftest import log_in

YEAR = Filters(since=date(2021, 1, 1), until=date(2021, 12, 31))
TODAY = date(2021, 12, 31)


def _found(filters=YEAR, *, kind, today=TODAY):
    filters = Filters(**{**filters.__dict__, "kind": kind})
    return find_warnings(filters, today=today).found[kind]


# --- 多头 ----------------------------------------------------------------------------------------


@pytest.fixture
def ten_days(settings):
    settings.SUPERVISION_MULTIPLE_BODIES_DAYS = 10


@pytest.mark.parametrize(("gap", "warned"), [(10, True), (11, False)])
def test_two_bodies_within_the_days_are_a_multiple_bodies_warning(
    ten_days, body_task, inspect, firm, ga, gap, warned
):
    first = inspect(body_task(), firm, start=date(2021, 6, 7))
    second = inspect(
        body_task(department=ga, start=date(2021, 6, 7 + gap)), firm, start=date(2021, 6, 7 + gap)
    )
    found = _found(kind="multiple")
    assert bool(found) is warned
    if warned:
        (warning,) = found
        assert {i.code for i in warning.inspections} == {first.code, second.code}
        assert "10日内被2个部门分别检查" in warning.text
        assert "市科学技术局" in warning.text and "市公安局" in warning.text


def test_one_body_inspecting_twice_is_not_a_multiple_bodies_warning(
    ten_days, body_task, inspect, firm
):
    inspect(body_task(), firm)
    inspect(body_task(), firm)
    assert _found(kind="multiple") == []


def test_the_filters_narrow_the_multiple_bodies_warnings(
    ten_days, body_task, inspect, firm, make_firm, ga, sf
):
    inspect(body_task(), firm)
    inspect(body_task(department=ga), firm)
    other = make_firm(name="吉林另一家公司")
    inspect(body_task(), other, start=date(2021, 8, 1))
    inspect(body_task(department=ga, start=date(2021, 8, 2)), other, start=date(2021, 8, 2))
    assert len(_found(kind="multiple")) == 2
    by_name = _found(Filters(**{**YEAR.__dict__, "q": "另一家"}), kind="multiple")
    assert [w.firm_name for w in by_name] == ["吉林另一家公司"]
    assert len(_found(Filters(**{**YEAR.__dict__, "department": ga.pk}), kind="multiple")) == 2
    assert _found(Filters(**{**YEAR.__dict__, "department": sf.pk}), kind="multiple") == []
    july_on = Filters(since=date(2021, 7, 1), until=date(2021, 12, 31))
    assert [w.firm_name for w in _found(july_on, kind="multiple")] == ["吉林另一家公司"]


# --- 重复 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "warned"),
    [
        (date(2021, 8, 30), 2, True),  # window from 2021-06-30: the June inspection ends on it
        (date(2021, 9, 1), 2, False),  # window from 2021-07-01
        (date(2021, 9, 1), 3, True),
        (date(2021, 9, 1), 0, False),  # no exclusion window
    ],
)
def test_the_same_item_within_the_exclusion_window_is_a_repeated_warning(
    body_task, inspect, firm, start, months, warned
):
    june = inspect(body_task(), firm, start=date(2021, 6, 7), end=date(2021, 6, 30))
    later = inspect(body_task(start=start, exclusion_months=months), firm, start=start)
    found = _found(kind="repeated")
    assert bool(found) is warned
    if warned:
        (warning,) = found
        assert [i.code for i in warning.inspections] == [june.code, later.code]
        assert "KJ-WGR-001" in warning.text and "排除期" in warning.text


def test_another_firm_is_not_a_repeated_warning(body_task, inspect, firm, make_firm):
    inspect(body_task(), firm, end=date(2021, 6, 30))
    inspect(body_task(start=date(2021, 9, 1)), make_firm(), start=date(2021, 9, 1))
    assert _found(kind="repeated") == []


def test_a_department_filter_keeps_the_repeated_warnings_of_its_later_inspections(
    body_task, inspect, firm, ga, kj
):
    inspect(body_task(), firm, end=date(2021, 6, 30))
    inspect(body_task(department=ga, start=date(2021, 9, 1)), firm, start=date(2021, 9, 1))
    assert len(_found(Filters(**{**YEAR.__dict__, "department": ga.pk}), kind="repeated")) == 1
    # KJ inspected first: the repetition is GA's.
    assert _found(Filters(**{**YEAR.__dict__, "department": kj.pk}), kind="repeated") == []


# --- 高频 ----------------------------------------------------------------------------------------


def test_the_threshold_is_four_fifths_of_the_cap_rounded_up():
    assert [high_frequency_threshold(n) for n in (0, 1, 2, 4, 5, 10)] == [1, 1, 2, 4, 4, 8]


@pytest.mark.parametrize(("inspections", "warned"), [(4, True), (3, False)])
def test_a_firm_at_four_fifths_of_a_cap_is_a_high_frequency_warning(
    department_admin, kj, foreign_work, body_task, inspect, firm, inspections, warned
):
    set_frequency_cap(
        actor=department_admin, department=kj, enforcement_field=foreign_work, level="city", limit=5
    )
    for month in range(inspections):
        day = date(2021, 3 + month, 1)
        inspect(body_task(start=day, exclusion_months=0), firm, start=day)
    found = _found(kind="frequent")
    assert bool(found) is warned
    if warned:
        assert found[0].text.startswith("长春监督测试有限公司2021年已被检查4次，接近市科学技术局")


def test_an_inspection_of_another_year_does_not_count_toward_the_warning(
    department_admin, kj, foreign_work, body_task, inspect, firm
):
    set_frequency_cap(
        actor=department_admin, department=kj, enforcement_field=foreign_work, level="city", limit=2
    )
    inspect(body_task(start=date(2021, 3, 1)), firm, start=date(2021, 3, 1))
    inspect(body_task(start=date(2021, 12, 31)), firm, start=date(2021, 12, 31))
    assert "已达到" in _found(kind="frequent")[0].text
    next_year = Filters(until=date(2022, 6, 30))
    assert _found(next_year, kind="frequent", today=date(2022, 6, 30)) == []


# --- 超期 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "warned"), [(date(2021, 6, 10), False), (date(2021, 6, 11), True)]
)
def test_an_emergency_start_past_its_approval_deadline_is_an_overdue_warning(
    body_task, inspect, firm, today, warned
):
    inspect(
        body_task(),
        firm,
        approval_state=ApprovalState.EMERGENCY,
        emergency_reason="涉嫌重大安全隐患",
        emergency_started_at=timezone.make_aware(datetime(2021, 6, 7, 9)),
        approval_due=date(2021, 6, 10),
    )
    found = _found(kind="overdue", today=today)
    assert bool(found) is warned
    if warned:
        assert "补办审批期限2021年6月10日已过，至今未补办审批" in found[0].text


def test_an_approved_emergency_start_is_no_warning(body_task, inspect, firm):
    inspect(
        body_task(),
        firm,
        approval_state=ApprovalState.APPROVED_AFTER,
        emergency_reason="涉嫌重大安全隐患",
        emergency_started_at=timezone.make_aware(datetime(2021, 6, 7, 9)),
        approval_due=date(2021, 6, 10),
    )
    assert _found(kind="overdue", today=date(2021, 7, 1)) == []


def test_a_later_task_opened_before_the_range_counts_its_whole_exclusion_window(
    body_task, inspect, firm
):
    # The later task opens on 25 June (window from 25 April); its inspection starts in July,
    # within the range; the earlier one ended on 28 April, before the range's own two months.
    april = inspect(body_task(start=date(2021, 4, 1)), firm, end=date(2021, 4, 28))
    task = body_task(start=date(2021, 6, 25), end=date(2021, 7, 31), exclusion_months=2)
    july = inspect(task, firm, start=date(2021, 7, 5))
    july_on = Filters(since=date(2021, 7, 1), until=date(2021, 12, 31))
    (warning,) = _found(july_on, kind="repeated")
    assert [i.code for i in warning.inspections] == [april.code, july.code]
    assert "自2021年4月25日起" in warning.text


def test_the_page_counts_the_day_in_asia_shanghai(
    client, supervisor, body_task, inspect, firm, monkeypatch
):
    inspect(
        body_task(start=date(2021, 12, 20)),
        firm,
        approval_state=ApprovalState.EMERGENCY,
        emergency_reason="涉嫌重大安全隐患",
        emergency_started_at=timezone.make_aware(datetime(2021, 12, 20, 9)),
        approval_due=date(2021, 12, 31),
    )
    # 16:30 UTC on 31 December is 00:30 on 1 January in Shanghai: the deadline has passed.
    moment = datetime(2021, 12, 31, 16, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    log_in(client, supervisor)
    page = client.get(reverse("supervision:warnings"), {"kind": "overdue"}).content.decode()
    assert "补办审批超期 <strong>1</strong> 条" in page
