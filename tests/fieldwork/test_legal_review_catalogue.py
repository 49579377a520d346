"""The review catalogue (审核目录清单): kept by the department administrator, and matched by
decision type, enforcement field and amount; the statutory circumstances always need review."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from legal_review_builders import *  # noqa: F403

from backend.audit.models import AuditEvent
from legalreview.models import CatalogueEntry, DecisionState, DecisionType
from legalreview.services import (
    add_catalogue_entry,
    restore_catalogue_entry,
    retire_catalogue_entry,
    submit_decision,
    update_catalogue_entry,
)
from legalreview.triggers import review_triggers


def test_the_department_administrator_keeps_the_catalogue_and_each_change_is_audited(
    department_admin, foreign_work
):
    entry = add_catalogue_entry(
        actor=department_admin,
        name="对单位处以五万元以上罚款",
        decision_type=DecisionType.PENALTY,
        min_amount=Decimal("50000"),
        basis="科技局〔2021〕12号",
    )
    assert entry.department == department_admin.department and entry.active
    update_catalogue_entry(
        actor=department_admin,
        entry=entry,
        name="对单位处以三万元以上罚款",
        decision_type=DecisionType.PENALTY,
        enforcement_field=foreign_work,
        min_amount=Decimal("30000"),
    )
    retire_catalogue_entry(actor=department_admin, entry=entry)
    entry.refresh_from_db()
    assert (entry.name, entry.min_amount, entry.active) == (
        "对单位处以三万元以上罚款",
        Decimal("30000.00"),
        False,
    )
    restore_catalogue_entry(actor=department_admin, entry=entry)
    actions = list(
        AuditEvent.objects.filter(object_id=str(entry.pk), action__startswith="legalreview.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "legalreview.catalogue.add",
        "legalreview.catalogue.update",
        "legalreview.catalogue.retire",
        "legalreview.catalogue.restore",
    ]


@pytest.mark.parametrize("persona", ["legal_reviewer", "planner", "ga_department_admin"])
def test_no_one_else_edits_the_catalogue(request, persona, department_admin):
    entry = add_catalogue_entry(
        actor=department_admin, name="移送案件线索", decision_type=DecisionType.REFERRAL
    )
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        retire_catalogue_entry(actor=user, entry=entry)
    if persona != "ga_department_admin":
        with pytest.raises(PermissionDenied):
            add_catalogue_entry(actor=user, name="x", decision_type=DecisionType.REFERRAL)
    assert CatalogueEntry.objects.get(pk=entry.pk).active


def test_a_negative_threshold_and_an_unknown_type_are_refused(department_admin):
    with pytest.raises(ValidationError) as refused:
        add_catalogue_entry(
            actor=department_admin,
            name="罚款",
            decision_type=DecisionType.PENALTY,
            min_amount=Decimal("-1"),
        )
    assert "min_amount" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add_catalogue_entry(actor=department_admin, name="罚款", decision_type="fine")
    assert "decision_type" in refused.value.message_dict
    assert not CatalogueEntry.objects.exists()


def test_a_fine_below_the_threshold_needs_no_review_and_one_at_it_does(draft, catalogue):
    below = draft(amount=Decimal("9999.99"))
    assert review_triggers(below) == []
    at = draft(amount=Decimal("10000"))
    assert review_triggers(at) == [
        "列入本部门审核目录清单：对用人单位处以一万元以上罚款"
        "（行政处罚 · 外国人来华工作许可 · 金额≥10000.00元）"
    ]


def test_the_field_and_the_type_must_match_too(draft, catalogue, labor, exit_entry):
    assert review_triggers(draft(amount=Decimal("20000"), enforcement_field=labor)) == []
    assert review_triggers(draft(amount=Decimal("20000"), enforcement_field=None)) == []
    # A licence decision of any amount is not in KJ's catalogue.
    licence = draft(decision_type=DecisionType.LICENSE, amount=Decimal("20000"), discretion="")
    assert review_triggers(licence) == []
    # A referral is listed whatever its field and amount.
    referral = draft(
        decision_type=DecisionType.REFERRAL,
        recipient="市公安局",
        enforcement_field=exit_entry,
        amount=None,
    )
    assert review_triggers(referral) == [
        "列入本部门审核目录清单：移送案件线索（移送案件线索 · 所有领域）"
    ]


def test_a_line_without_a_threshold_matches_a_decision_without_an_amount_but_not_the_reverse(
    draft, catalogue
):
    assert review_triggers(draft(amount=None)) == []  # the fine line has a threshold


def test_a_retired_line_no_longer_matches(draft, catalogue, department_admin):
    decision = draft(amount=Decimal("20000"))
    retire_catalogue_entry(actor=department_admin, entry=catalogue["fine"])
    assert review_triggers(decision) == []


def test_another_departments_catalogue_does_not_apply(draft, ga_department_admin):
    add_catalogue_entry(
        actor=ga_department_admin, name="所有行政处罚", decision_type=DecisionType.PENALTY
    )
    assert review_triggers(draft(amount=Decimal("20000"))) == []


@pytest.mark.parametrize(
    "flag,wording",
    [
        ("public_interest", "涉及重大公共利益"),
        ("hearing_held", "经过听证程序"),
        ("complex_case", "涉及多个法律关系"),
        ("social_impact", "可能造成重大社会影响"),
    ],
)
def test_each_statutory_circumstance_needs_review_without_any_catalogue(draft, team, flag, wording):
    decision = draft(amount=Decimal("100"), **{flag: True})
    triggers = review_triggers(decision)
    assert len(triggers) == 1 and wording in triggers[0]
    decision = submit_decision(actor=team[0], decision=decision)
    assert decision.state == DecisionState.IN_REVIEW
    assert decision.reviews.get().triggers == triggers


def test_a_decision_that_matches_nothing_goes_straight_to_the_head(draft, team, catalogue):
    decision = submit_decision(actor=team[0], decision=draft(amount=Decimal("500")))
    assert decision.state == DecisionState.READY
    assert not decision.reviews.exists()
