"""A KJ task carried through fieldwork and closed, so that each firm holds a rating link."""

from datetime import date

import pytest
from disclosure_builders import carry_out, drawn_task

from fieldwork.models import FollowUpKind
from fieldwork.services import followups


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def closed_inspections(kj, planner, department_admin):
    """`n` KJ inspections (2021 task), each reviewed, with no follow-up needed, and closed."""

    def make(n: int = 1):
        task = drawn_task(
            department=kj, planner=planner, department_admin=department_admin, firms=n
        )
        inspections = carry_out(task, planner=planner, reviewer=department_admin)
        for inspection in inspections:
            followups.open_follow_up(
                actor=planner,
                inspection=inspection,
                kind=FollowUpKind.NONE,
                opened_on=date(2021, 6, 20),
            )
            followups.close_inspection(actor=department_admin, inspection=inspection)
            inspection.refresh_from_db()
        return inspections

    return make


@pytest.fixture
def today_is(monkeypatch):
    """Make the product's "today" (Asia/Shanghai) a given date."""

    def set_today(day: date) -> None:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_today
