"""A major decision goes to legal review on submission, cannot be issued or published until a
legal reviewer of the department agrees, is returned with reasons and resubmitted as a new
round, and the opinion is part of the inspection's record chain."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from legal_review_builders import *  # noqa: F403
from legal_review_builders import all_hold, approve, return_with_problems

from backend.accounts.roles import Role
from backend.audit.models import AuditEvent
from fieldwork import chain
from fieldwork.models import RecordKind
from fieldwork.selectors.records import latest
from fieldwork.services import records
from legalreview.gates import issue_blockers, publication_blockers
from legalreview.models import Decision, DecisionState, DecisionType, ReviewOutcome, ReviewPoint
from legalreview.services import (
    DecisionContent,
    draft_decision,
    give_opinion,
    issue_decision,
    submit_decision,
    update_decision,
    withdraw_decision,
)
from personnel.models import ConflictRelation, ConflictSource
from personnel.services import declare_conflict

S = DecisionState


# --- drafting ------------------------------------------------------------------------------------


def test_the_team_drafts_a_decision_numbered_after_the_inspection(draft, found, team):
    decision = draft()
    assert decision.number == f"{found.code}-JD01"
    assert decision.department == team[0].department
    assert decision.state == S.DRAFT
    assert sorted(decision.evidence.values_list("kind", flat=True)) == [RecordKind.FINDINGS] * 2
    assert draft().number == f"{found.code}-JD02"
    assert AuditEvent.objects.filter(
        action="legalreview.decision.draft", object_id=str(decision.pk)
    ).exists()


def test_the_department_administrator_may_draft_an_outsider_may_not(
    draft, department_admin, outsider, legal_reviewer, ga_department_admin
):
    assert draft(actor=department_admin).department == department_admin.department
    for user in (outsider, legal_reviewer, ga_department_admin):
        with pytest.raises(PermissionDenied):
            draft(actor=user)
    assert Decision.objects.count() == 1


def test_evidence_must_come_from_the_inspections_own_record(draft, found, started, login_for):
    other = started.inspections.exclude(pk=found.pk).first()
    notice = records.issue_notice(
        actor=login_for(other.members.first().officer),
        inspection=other,
        served_on=date.today(),
        delivery="当面送达",
    )
    with pytest.raises(ValidationError) as refused:
        draft(evidence=[*found.records.all()[:1], notice])
    assert "evidence" in refused.value.message_dict
    assert not Decision.objects.exists()


def test_a_referral_names_its_recipient_and_a_fine_its_discretion_standard(draft):
    with pytest.raises(ValidationError) as refused:
        draft(decision_type=DecisionType.REFERRAL, recipient="  ")
    assert refused.value.message_dict["recipient"] == ["移送决定须写明接收机关"]
    with pytest.raises(ValidationError) as refused:
        draft(discretion="")
    assert "discretion" in refused.value.message_dict


def test_nothing_is_drafted_before_anything_was_found(inspection, team, foreign_work):
    with pytest.raises(ValidationError) as refused:
        draft_decision(
            actor=team[0],
            inspection=inspection,
            content=DecisionContent(
                decision_type=DecisionType.PENALTY,
                title="处罚",
                draft_text="草稿",
                facts="事实",
                legal_basis="依据",
                discretion="基准",
            ),
        )
    assert "不能拟定执法决定" in str(refused.value)


# --- review blocks issue and publication --------------------------------------------------------


def test_a_decision_in_the_catalogue_goes_to_review_and_blocks_issue_and_publication(
    referral, found, department_admin, legal_reviewer
):
    assert referral.state == S.IN_REVIEW
    review = referral.reviews.get()
    assert review.round == 1 and review.outcome == ReviewOutcome.PENDING
    assert review.package["recipient"] == "市公安局出入境管理支队"
    assert [e["kind"] for e in review.package["evidence"]] == [RecordKind.FINDINGS] * 2

    blockers = issue_blockers(referral)
    assert len(blockers) == 1 and blockers[0].startswith("法制审核尚未完成（第1轮，审核期限")
    with pytest.raises(ValidationError) as refused:
        issue_decision(actor=department_admin, decision=referral)
    [error] = refused.value.error_dict["non_field_errors"]
    assert error.code == "blocked" and error.message == f"不能作出决定：{blockers[0]}"
    assert Decision.objects.get(pk=referral.pk).state == S.IN_REVIEW
    assert publication_blockers(found) == [
        f"行政执法决定{referral.number}（{referral.title}）：{blockers[0]}"
    ]

    approve(review, legal_reviewer)
    referral.refresh_from_db()
    assert referral.state == S.APPROVED
    assert issue_blockers(referral) == [] and publication_blockers(found) == []
    issue_decision(actor=department_admin, decision=referral, document_number="长科移〔2021〕1号")
    referral.refresh_from_db()
    assert referral.state == S.ISSUED and referral.issued_by == department_admin
    assert issue_blockers(referral)[0].endswith("不能重复作出")


def test_a_draft_that_needs_review_blocks_publication_until_withdrawn(
    draft, found, team, catalogue
):
    decision = draft(amount=Decimal("20000"))
    assert publication_blockers(found) == [
        f"行政执法决定{decision.number}（{decision.title}）：须经法制审核，尚未送审"
    ]
    minor = draft(amount=Decimal("100"))
    assert len(publication_blockers(found)) == 1  # a minor draft blocks nothing
    withdraw_decision(actor=team[0], decision=decision, reason="改为责令改正")
    assert publication_blockers(found) == []
    assert Decision.objects.get(pk=decision.pk).withdraw_reason == "改为责令改正"
    assert Decision.objects.get(pk=minor.pk).state == S.DRAFT


def test_only_the_head_issues_and_only_what_was_submitted(draft, team, department_admin):
    decision = draft(amount=Decimal("100"))
    with pytest.raises(ValidationError):
        issue_decision(actor=department_admin, decision=decision)  # still a draft
    decision = submit_decision(actor=team[0], decision=decision)
    assert decision.state == S.READY
    with pytest.raises(PermissionDenied):
        issue_decision(actor=team[0], decision=decision)
    issue_decision(actor=department_admin, decision=decision)
    assert Decision.objects.get(pk=decision.pk).state == S.ISSUED


def test_a_catalogue_line_added_after_submission_still_stops_the_issue(
    draft, team, department_admin
):
    decision = submit_decision(actor=team[0], decision=draft(amount=Decimal("20000")))
    assert decision.state == S.READY
    from legalreview.services import add_catalogue_entry

    add_catalogue_entry(
        actor=department_admin, name="所有行政处罚", decision_type=DecisionType.PENALTY
    )
    blockers = issue_blockers(decision)
    assert blockers and "须经法制审核" in blockers[0]
    with pytest.raises(ValidationError):
        issue_decision(actor=department_admin, decision=decision)
    decision = submit_decision(actor=team[0], decision=decision)
    assert decision.state == S.IN_REVIEW


# --- the opinion --------------------------------------------------------------------------------


def test_the_opinion_is_appended_to_the_record_chain_and_the_chain_still_verifies(
    referral, found, legal_reviewer, capsys
):
    review = approve(referral.reviews.get(), legal_reviewer)
    record = review.record
    assert record.kind == RecordKind.LEGAL_REVIEW and record.inspection_id == found.pk
    assert record.recorded_by == legal_reviewer
    content = record.content
    assert (content["decision"], content["round"], content["outcome_label"]) == (
        referral.number,
        1,
        "同意",
    )
    assert [c["point"] for c in content["checks"]] == [p.value for p in ReviewPoint]
    assert all(c["ok"] for c in content["checks"])
    assert content["package_hash"] == chain.content_hash(review.package)
    assert latest(found, RecordKind.LEGAL_REVIEW) == record
    call_command("verify_records", found.code)
    assert "摘要链完整" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="legalreview.review.opinion")
    assert event.detail["sequence"] == record.sequence and event.actor == legal_reviewer


def test_problems_return_the_decision_and_resubmission_opens_a_new_round(
    referral, team, legal_reviewer, department_admin
):
    first = return_with_problems(referral.reviews.get(), legal_reviewer)
    referral.refresh_from_db()
    assert referral.state == S.RETURNED
    assert first.outcome == ReviewOutcome.PROBLEMS
    facts = next(c for c in first.checks if c["point"] == ReviewPoint.FACTS)
    assert (facts["ok"], facts["note"]) == (False, "证据不足")
    with pytest.raises(ValidationError):
        issue_decision(actor=department_admin, decision=referral)

    update_decision(
        actor=team[0],
        decision=referral,
        content=replace(
            DecisionContent.of(referral),
            facts="当事人聘用3名外籍人员未办理工作许可，有询问笔录为证。",
        ),
    )
    referral = submit_decision(actor=team[0], decision=referral)
    assert referral.state == S.IN_REVIEW
    rounds = list(referral.reviews.order_by("round"))
    assert [(r.round, r.outcome) for r in rounds] == [
        (1, ReviewOutcome.PROBLEMS),
        (2, ReviewOutcome.PENDING),
    ]
    # Each round keeps the package it received.
    assert rounds[0].package["facts"] != rounds[1].package["facts"]
    approve(rounds[1], legal_reviewer)
    referral.refresh_from_db()
    assert referral.state == S.APPROVED
    opinions = referral.inspection.records.filter(kind=RecordKind.LEGAL_REVIEW)
    assert [r.content["outcome"] for r in opinions.order_by("sequence")] == [
        "problems",
        "approved",
    ]


def test_a_decision_under_review_cannot_be_changed_or_withdrawn(referral, team):
    with pytest.raises(ValidationError):
        update_decision(actor=team[0], decision=referral, content=DecisionContent.of(referral))
    with pytest.raises(ValidationError):
        withdraw_decision(actor=team[0], decision=referral, reason="不再移送")
    with pytest.raises(ValidationError):
        submit_decision(actor=team[0], decision=referral)
    assert referral.reviews.count() == 1


def test_problems_without_reasons_are_refused_and_nothing_is_recorded(
    referral, found, legal_reviewer
):
    review = referral.reviews.get()
    before = found.records.count()
    with pytest.raises(ValidationError) as refused:
        give_opinion(
            actor=legal_reviewer,
            review=review,
            outcome=ReviewOutcome.PROBLEMS,
            checks=all_hold(ReviewPoint.PROCEDURE),
            reasons="  ",
        )
    assert refused.value.message_dict["reasons"] == ["审核意见为存在问题的，须写明问题及理由"]
    with pytest.raises(ValidationError) as refused:
        give_opinion(
            actor=legal_reviewer,
            review=review,
            outcome=ReviewOutcome.PROBLEMS,
            checks=all_hold(),
            reasons="程序有问题",
        )
    assert "checks" in refused.value.message_dict
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.PENDING
    assert found.records.count() == before


def test_every_point_is_answered_and_agreement_admits_no_problem(referral, legal_reviewer):
    review = referral.reviews.get()
    partial = all_hold()
    del partial[ReviewPoint.CRIME]
    with pytest.raises(ValidationError) as refused:
        give_opinion(
            actor=legal_reviewer, review=review, outcome=ReviewOutcome.APPROVED, checks=partial
        )
    assert "违法行为是否涉嫌犯罪" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        give_opinion(
            actor=legal_reviewer,
            review=review,
            outcome=ReviewOutcome.APPROVED,
            checks=all_hold(ReviewPoint.POWERS),
        )
    assert "不能出具同意意见" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        give_opinion(
            actor=legal_reviewer,
            review=review,
            outcome=ReviewOutcome.PROBLEMS,
            checks=all_hold(ReviewPoint.POWERS, note=""),
            reasons="超越职权",
        )
    assert "须写明具体问题" in str(refused.value)
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.PENDING


def test_a_round_is_decided_once(referral, legal_reviewer, make_user, kj):
    review = approve(referral.reviews.get(), legal_reviewer)
    colleague = make_user("qin_legal", Role.LEGAL_REVIEWER, kj)
    with pytest.raises(ValidationError) as refused:
        return_with_problems(review, colleague)
    assert "不能再次审核" in str(refused.value)
    assert referral.inspection.records.filter(kind=RecordKind.LEGAL_REVIEW).count() == 1


# --- who reviews --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["department_admin", "planner", "inspector", "system_admin", "audit_admin"]
)
def test_only_a_legal_reviewer_reviews(request, referral, persona):
    with pytest.raises(PermissionDenied) as refused:
        approve(referral.reviews.get(), request.getfixturevalue(persona))
    assert "没有审核权限" in str(refused.value)
    assert referral.reviews.get().outcome == ReviewOutcome.PENDING


def test_a_legal_reviewer_of_another_department_does_not_review(referral, make_user, ga):
    ga_legal = make_user("ga_legal", Role.LEGAL_REVIEWER, ga)
    with pytest.raises(PermissionDenied):
        approve(referral.reviews.get(), ga_legal)


def test_a_reviewer_with_a_declared_conflict_is_recused(
    referral, found, legal_reviewer, department_admin, staff, kj, foreign_work
):
    officer = staff(kj, foreign_work, 1)[0]
    officer.user = legal_reviewer
    officer.save(update_fields=["user"])
    declare_conflict(
        actor=department_admin,
        officer=officer,
        firm_uscc=found.firm_uscc,
        relation=ConflictRelation.RELATIVE,
        source=ConflictSource.SELF_DECLARED,
        valid_from=date(2020, 1, 1),
    )
    with pytest.raises(PermissionDenied) as refused:
        approve(referral.reviews.get(), legal_reviewer)
    assert "应当回避" in str(refused.value) and "近亲属" in str(refused.value)
    assert referral.reviews.get().outcome == ReviewOutcome.PENDING
    assert not found.records.filter(kind=RecordKind.LEGAL_REVIEW).exists()


def test_an_expired_conflict_no_longer_recuses(
    referral, found, legal_reviewer, department_admin, staff, kj, foreign_work
):
    officer = staff(kj, foreign_work, 1)[0]
    officer.user = legal_reviewer
    officer.save(update_fields=["user"])
    declare_conflict(
        actor=department_admin,
        officer=officer,
        firm_uscc=found.firm_uscc,
        relation=ConflictRelation.FORMER_EMPLOYMENT,
        source=ConflictSource.SELF_DECLARED,
        valid_from=date(2015, 1, 1),
        valid_to=date(2019, 12, 31),
    )
    assert approve(referral.reviews.get(), legal_reviewer).outcome == ReviewOutcome.APPROVED


def test_a_team_member_holding_the_legal_review_role_is_recused(referral, team):
    seated = team[1]
    seated.role = Role.LEGAL_REVIEWER
    seated.save(update_fields=["role"])
    with pytest.raises(PermissionDenied) as refused:
        approve(referral.reviews.get(), seated)
    assert "检查组成员" in str(refused.value)


def test_the_drafter_is_recused_even_after_becoming_a_legal_reviewer(
    draft, department_admin, catalogue
):
    decision = draft(
        actor=department_admin,
        decision_type=DecisionType.REFERRAL,
        recipient="市公安局",
        amount=None,
    )
    decision = submit_decision(actor=department_admin, decision=decision)
    department_admin.role = Role.LEGAL_REVIEWER
    department_admin.save(update_fields=["role"])
    with pytest.raises(PermissionDenied) as refused:
        approve(decision.reviews.get(), department_admin)
    assert "拟稿人" in str(refused.value)
