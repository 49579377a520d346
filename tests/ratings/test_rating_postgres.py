"""On PostgreSQL: two submissions through one link at the same moment record one rating; the
other is refused in words (the inspection's row lock, then the unique constraint)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from rating_builders import ANSWERS, link_of

from ratings.models import Rating
from ratings.services import submit_rating


def _at_once(*calls):
    outcomes = []
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            outcomes.append(call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test reads
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_record_one_rating(closed_inspections):
    [inspection] = closed_inspections(1)
    token = link_of(inspection).token
    outcomes = _at_once(
        lambda: submit_rating(token=token, **ANSWERS),
        lambda: submit_rating(token=token, **{**ANSWERS, "overall": 1}),
    )
    assert sum(isinstance(o, Rating) for o in outcomes) == 1, outcomes
    refused = next(o for o in outcomes if isinstance(o, ValidationError))
    assert refused.error_dict["non_field_errors"][0].code == "already_rated"
    assert Rating.objects.count() == 1
