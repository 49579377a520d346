"""The annual plan generator: groups of items sharing their targets, ratios under the caps,
counts per stratum and quarter, and staffing warnings."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backend.audit.models import AuditEvent
from inspections.directory.models import ItemCategory
from inspections.planning import rules
from inspections.planning.models import AnnualPlan, PlanningSettings, PlanStatus
from inspections.planning.plan_proposal import build_proposal, plan_warnings, saved_lines
from inspections.planning.services import generate_annual_plan

D = Decimal


def info(code, department="KJ", targets=("tag",), cap="0.10", field="FOREIGN_WORK", key=None):
    return rules.ItemInfo(
        key=key or hash(code),
        code=code,
        name=f"事项{code}",
        department=department,
        field=field,
        ratio_cap=D(cap) if cap is not None else None,
        frequency="每年不少于1次",
        targets=targets,
    )


# --- the rules, without the database -----------------------------------------------------------


def test_items_sharing_their_targets_make_one_group_with_the_lead_first():
    groups = rules.group_by_targets(
        [
            info("GA-1", "GA"),
            info("KJ-2"),
            info("RS-1", "RS"),
            info("KJ-1"),
            info("KJ-3", targets=("other",)),
        ],
        lead="KJ",
    )
    assert [[i.code for i in group] for group in groups] == [
        ["KJ-1", "KJ-2", "GA-1", "RS-1"],
        ["KJ-3"],
    ]


def test_another_departments_item_joins_only_through_the_leads_targets():
    groups = rules.group_by_targets(
        [info("KJ-1"), info("GA-9", "GA", targets=("elsewhere",))], lead="KJ"
    )
    assert [[i.code for i in group] for group in groups] == [["KJ-1"]]


def test_default_ratios_never_exceed_the_strictest_cap_of_the_group():
    ratios = rules.capped_ratios(
        rules.DEFAULT_RATIOS, [info("KJ-1", cap="0.10"), info("RS-1", "RS", cap="0.05")]
    )
    assert ratios == {"A": D("0.02"), "B": D("0.05"), "C": D("0.05"), "D": D("0.05")}


def test_key_items_have_no_cap_so_the_defaults_stand():
    assert rules.capped_ratios(rules.DEFAULT_RATIOS, [info("KJ-1", cap=None)]) == (
        rules.DEFAULT_RATIOS
    )


def test_a_proposed_line_counts_ceil_of_n_times_ratio_and_never_more_than_n():
    [line] = rules.propose_lines(
        [(info("KJ-1", cap=None),)], [{"A": 50, "B": 30, "C": 12, "D": 3}], lead="KJ"
    )
    # 50 × 2% = 1; 30 × 5% = 1.5 → 2; 12 × 20% = 2.4 → 3; 3 × 100% = 3.
    assert line.planned == {"A": 1, "B": 2, "C": 3, "D": 3}
    assert line.total == 9


def test_quarters_are_balanced_largest_line_first():
    assert rules.assign_quarters([10, 3, 3, 3, 1]) == [2, 3, 4, 3, 4]


def test_visits_spread_evenly_over_a_lines_quarters():
    assert rules.spread(7, 2, 4) == {2: 3, 3: 2, 4: 2}
    assert rules.spread(0, 1, 1) == {1: 0}


def test_a_joint_line_takes_one_officer_of_each_department_a_single_one_its_team():
    assert rules.default_team(("KJ", "GA"), lead_seats=2) == {"KJ": 1, "GA": 1}
    assert rules.default_team(("KJ",), lead_seats=3) == {"KJ": 3}


def _load(team, per_quarter, items=None):
    items = items or (info("KJ-1"),)
    return rules.LineLoad(position=1, name="抽查", items=items, per_quarter=per_quarter, team=team)


def test_a_department_with_fewer_eligible_officers_than_seats_is_warned():
    warnings = rules.staffing_warnings(
        [_load({"KJ": 2}, {2: 4})],
        {("KJ", "FOREIGN_WORK", 2): frozenset({1})},
        year=2021,
        names={"KJ": "市科学技术局"},
        days_per_visit=D(1),
        officer_days={"KJ": D(10)},
    )
    assert [w.message for w in warnings] == [
        "第1项「抽查」：市科学技术局2021年第二季度只有1名符合条件的执法人员，每户检查需2名"
    ]


def test_officer_days_beyond_what_the_eligible_officers_can_give_are_warned():
    warnings = rules.staffing_warnings(
        [_load({"KJ": 2}, {3: 30})],
        {("KJ", "FOREIGN_WORK", 3): frozenset({1, 2, 3})},
        year=2021,
        names={"KJ": "市科学技术局"},
        days_per_visit=D(1),
        officer_days={"KJ": D(10)},
    )
    assert len(warnings) == 1
    assert "第三季度需要60人日" in warnings[0].message
    assert "符合条件的执法人员3名、每人每季度可安排10日，共30人日" in warnings[0].message


def test_a_department_without_items_of_its_own_checks_with_the_others_fields():
    items = (info("KJ-1"), info("GA-1", "GA", field="EXIT_ENTRY"))
    assert rules.relevant_fields("GA", items) == {"EXIT_ENTRY"}
    assert rules.relevant_fields("RS", items) == {"FOREIGN_WORK", "EXIT_ENTRY"}


# --- against a known directory -----------------------------------------------------------------


@pytest.fixture
def directory(make_directory):
    make_directory({"A": 50, "B": 30, "C": 12, "D": 3})
    make_directory({"A": 7}, tag=None)  # not employers of foreign staff: outside the items' targets
    make_directory({"B": 5}, status="deregistered")  # no longer in existence


def test_the_generator_counts_each_stratum_of_the_directory_under_the_cap(
    planner, kj, publish_item, directory
):
    publish_item(code="KJ-WGR-001", ratio_cap=D("0.10"))
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    [row] = saved_lines(plan)
    quotas = {q.risk_class: q for q in row.line.quotas.all()}
    assert {r: q.population for r, q in quotas.items()} == {"A": 50, "B": 30, "C": 12, "D": 3}
    # C and D are capped at the item's 10%: 12 × 10% = 1.2 → 2, 3 × 10% = 0.3 → 1.
    assert {r: q.ratio for r, q in quotas.items()} == {
        "A": D("0.02"),
        "B": D("0.05"),
        "C": D("0.1"),
        "D": D("0.1"),
    }
    assert {r: q.planned for r, q in quotas.items()} == {"A": 1, "B": 2, "C": 2, "D": 1}
    assert row.view.total == 6
    assert plan.status == PlanStatus.DRAFT and plan.version == 1
    assert plan.title == "市科学技术局2021年度“双随机、一公开”抽查工作计划"


def test_a_key_item_is_sampled_at_the_full_default_ratios(planner, kj, publish_item, directory):
    publish_item(category=ItemCategory.KEY, ratio_cap=None)
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    planned = {q.risk_class: q.planned for q in plan.lines.get().quotas.all()}
    assert planned == {"A": 1, "B": 2, "C": 3, "D": 3}


def test_the_departments_own_default_ratios_are_used(planner, kj, publish_item, directory):
    PlanningSettings.objects.create(department=kj, ratio_a=D("0.10"), ratio_b=D("0.10"))
    publish_item(ratio_cap=D("0.5"))
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    planned = {q.risk_class: q.planned for q in plan.lines.get().quotas.all()}
    # 50 × 10% = 5; 30 × 10% = 3; 12 × 20% = 2.4 → 3; D capped at 50%: 3 × 50% = 1.5 → 2.
    assert planned == {"A": 5, "B": 3, "C": 3, "D": 2}


def test_items_that_share_their_targets_are_merged_into_one_joint_line(
    planner, kj, ga, rs, exit_entry, labor, publish_item, directory
):
    own = publish_item(code="KJ-WGR-001")
    police = publish_item(department=ga, field=exit_entry, code="GA-CRJ-001", ratio_cap=D("0.05"))
    publish_item(department=rs, field=labor, code="RS-LD-001")
    other = publish_item(code="KJ-KJ-002", rules=[{"tag": "高新技术企业"}])
    publish_item(department=ga, field=exit_entry, rules=[{"region_code": "220200"}])
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    alone, joint = saved_lines(plan)  # in the order of their first item's code
    assert [v.item.code for v in joint.versions] == ["KJ-WGR-001", "GA-CRJ-001", "RS-LD-001"]
    assert joint.view.departments == ("KJ", "GA", "RS")
    assert joint.participating == ["市公安局", "市人力资源和社会保障局"]
    assert joint.view.name == f"{own.name}（联合抽查）"
    # The police item's 5% cap binds the whole visit.
    assert {q.ratio for q in joint.line.quotas.all()} <= {D("0.02"), D("0.05")}
    assert police in joint.versions
    assert [v.pk for v in alone.versions] == [other.pk]
    assert alone.participating == []


def test_the_generator_warns_where_a_department_cannot_staff_its_share(
    planner, kj, ga, exit_entry, foreign_work, publish_item, directory, staff
):
    publish_item(code="KJ-WGR-001", name="外国人来华工作许可事项检查")
    publish_item(department=ga, field=exit_entry, code="GA-CRJ-001")
    staff(kj, foreign_work, 3)
    staff(ga, foreign_work, 2)  # certified, but not for the police's own item
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    messages = [w.message for w in plan_warnings(plan, saved_lines(plan))]
    assert messages == [
        "第1项「外国人来华工作许可事项检查（联合抽查）」：市公安局2021年第二季度只有0名"
        "符合条件的执法人员，每户检查需1名",
        "市公安局2021年第二季度需要6人日，符合条件的执法人员0名、每人每季度可安排10日，"
        "共0人日，人手不足",
    ]


def test_expired_certificates_do_not_staff_a_quarter(
    planner, kj, foreign_work, publish_item, directory, staff
):
    publish_item()
    staff(kj, foreign_work, 2, valid_to=date(2021, 5, 31))  # expires during the 2nd quarter
    proposal = build_proposal(department=kj, year=2021)
    assert [w.department for w in proposal.warnings] == ["KJ", "KJ"]


def test_enough_certified_officers_give_no_warning(
    planner, kj, foreign_work, publish_item, directory, staff
):
    publish_item()
    staff(kj, foreign_work, 2)
    assert build_proposal(department=kj, year=2021).warnings == []


def test_generating_is_audited(planner, kj, publish_item, directory):
    publish_item()
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    event = AuditEvent.objects.get(action="plans.generate")
    assert event.object_id == str(plan.pk)
    assert event.detail["lines"] == 1 and event.detail["firms"] == 6


def test_a_second_plan_for_the_same_year_is_refused(planner, kj, publish_item, directory):
    publish_item()
    generate_annual_plan(actor=planner, department=kj, year=2021)
    with pytest.raises(ValidationError, match="2021年度已有抽查计划（第1版，草稿）"):
        generate_annual_plan(actor=planner, department=kj, year=2021)
    assert AnnualPlan.objects.count() == 1


def test_a_department_without_published_items_gets_no_plan(planner, kj, directory):
    with pytest.raises(ValidationError, match="没有已发布的抽查事项"):
        generate_annual_plan(actor=planner, department=kj, year=2021)
    assert not AnnualPlan.objects.exists()


def test_only_the_departments_planner_generates(department_admin, ga_inspector, kj, publish_item):
    from django.core.exceptions import PermissionDenied

    publish_item()
    for actor in (department_admin, ga_inspector):
        with pytest.raises(PermissionDenied):
            generate_annual_plan(actor=actor, department=kj, year=2021)
