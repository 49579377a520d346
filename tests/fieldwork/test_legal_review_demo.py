"""The demo's legal review: the referral to 公安 of an inspection's illegal-employment finding,
submitted by the KJ head (kj_admin) and approved by kj_legal, once however often it runs."""

import pytest
from django.core.management import call_command
from legal_review_builders import *  # noqa: F403

from backend.accounts.roles import Role
from demo.legal_review import RECIPIENT, seed_legal_review
from fieldwork.models import RecordKind
from legalreview.gates import issue_blockers, publication_blockers
from legalreview.models import CatalogueEntry, DecisionState, DecisionType, ReviewOutcome


@pytest.fixture
def demo_accounts(make_user, kj):
    return make_user("kj_admin", Role.DEPARTMENT_ADMIN, kj), make_user(
        "kj_legal", Role.LEGAL_REVIEWER, kj
    )


def test_the_demo_refers_illegal_employment_to_public_security_reviewed_and_approved(
    found, demo_accounts, capsys
):
    admin, legal = demo_accounts
    created = seed_legal_review(found)
    assert created == {"审核目录事项": 4, "行政执法决定": 1, "法制审核意见": 1}
    decision = found.decisions.get()
    assert (decision.decision_type, decision.recipient) == (DecisionType.REFERRAL, RECIPIENT)
    assert decision.drafted_by == admin and decision.state == DecisionState.APPROVED
    review = decision.reviews.get()
    assert (review.outcome, review.reviewer) == (ReviewOutcome.APPROVED, legal)
    assert "列入本部门审核目录清单：移送案件线索" in review.triggers[0]
    assert review.record.kind == RecordKind.LEGAL_REVIEW
    assert issue_blockers(decision) == [] and publication_blockers(found) == []
    call_command("verify_records", found.code)
    assert "摘要链完整" in capsys.readouterr().out

    assert seed_legal_review(found) == {"审核目录事项": 0, "行政执法决定": 0, "法制审核意见": 0}
    assert found.decisions.count() == 1 and CatalogueEntry.objects.count() == 4


def test_without_the_demo_accounts_the_demo_adds_nothing(found):
    assert seed_legal_review(found) == {"审核目录事项": 0, "行政执法决定": 0, "法制审核意见": 0}
    assert not found.decisions.exists()
