"""Legal review under concurrency on PostgreSQL: two reviewers answering one round at once give
one opinion and one record; two submissions at once open one round; and the database itself
refuses a second open round for a decision."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from legal_review_builders import *  # noqa: F403
from legal_review_builders import approve, return_with_problems

from backend.accounts.roles import Role
from fieldwork.models import RecordKind
from legalreview.models import DecisionState, LegalReview, ReviewOutcome
from legalreview.services import decisions as decision_services
from legalreview.services import reviews as review_services
from legalreview.services import submit_decision

# (tests/conftest.py puts back the migrated result codes that an earlier flush removed; a
# serialized rollback would collide with the content types the flush's post_migrate recreates.)
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(monkeypatch, module, *calls):
    """Run `calls` in threads that all reach the row lock (`module._locked`) together."""
    ready = threading.Barrier(len(calls))
    real_locked = module._locked

    def wait_then_lock(obj):
        ready.wait(timeout=30)
        return real_locked(obj)

    monkeypatch.setattr(module, "_locked", wait_then_lock)
    outcomes: list[object] = []

    def run(call):
        try:
            outcomes.append(call())
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_reviewers_answering_one_round_at_once_give_one_opinion(
    referral, legal_reviewer, make_user, kj, monkeypatch
):
    colleague = make_user("qin_legal", Role.LEGAL_REVIEWER, kj)
    review = referral.reviews.get()
    outcomes = _at_once(
        monkeypatch,
        review_services,
        lambda: approve(review, legal_reviewer),
        lambda: return_with_problems(review, colleague),
    )
    done = [o for o in outcomes if isinstance(o, LegalReview)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(done) == 1 and len(refused) == 1, outcomes
    assert "不能再次审核" in str(refused[0])
    assert referral.inspection.records.filter(kind=RecordKind.LEGAL_REVIEW).count() == 1
    review.refresh_from_db()
    referral.refresh_from_db()
    expected = DecisionState.APPROVED if review.outcome == "approved" else DecisionState.RETURNED
    assert referral.state == expected


def test_two_resubmissions_at_once_open_one_round(referral, team, legal_reviewer, monkeypatch):
    return_with_problems(referral.reviews.get(), legal_reviewer)
    outcomes = _at_once(
        monkeypatch,
        decision_services,
        lambda: submit_decision(actor=team[0], decision=referral),
        lambda: submit_decision(actor=team[1], decision=referral),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
    assert list(referral.reviews.order_by("round").values_list("round", "outcome")) == [
        (1, ReviewOutcome.PROBLEMS),
        (2, ReviewOutcome.PENDING),
    ]


def test_the_database_refuses_a_second_open_round(referral, team):
    first = referral.reviews.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalReview.objects.create(
            decision=referral,
            round=2,
            package=first.package,
            submitted_at=timezone.now(),
            submitted_on=first.submitted_on,
            submitted_by=team[0],
        )
    assert referral.reviews.count() == 1
