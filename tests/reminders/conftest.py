"""The reminders' calendar: 2027 as entered, with the National Day golden week (1–7 October,
Friday to Thursday) off and no adjusted working day, so that the dates below read plainly."""

from datetime import date, timedelta

import pytest

from backend.notifications.models import Notification
from backend.workdays.services import enter_year
from reminders.daily import send_daily_reminders


@pytest.fixture
def national_day_2027(system_admin):
    enter_year(
        actor=system_admin,
        year=2027,
        source_document="国办发明电〔2026〕X号",
        holidays=[(date(2027, 10, d), "国庆节") for d in range(1, 8)],
        workdays=[],
    )


@pytest.fixture
def today_is(monkeypatch):
    """Make the product's "today" (Asia/Shanghai) a given date, for the services that read it."""

    def set_today(day: date) -> None:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_today


@pytest.fixture
def days_with_reminders(db):
    return _days_with_reminders


def _days_with_reminders(first: date, last: date, kind: str) -> dict[date, list[str]]:
    """Run the daily reminders on every day from `first` to `last`: the days on which a
    reminder of `kind` was created, each with its recipients' usernames."""
    found: dict[date, list[str]] = {}
    day = first
    while day <= last:
        before = set(Notification.objects.values_list("pk", flat=True))
        send_daily_reminders(day)
        new = Notification.objects.exclude(pk__in=before).filter(kind=kind)
        if new.exists():
            found[day] = sorted(new.values_list("recipient__username", flat=True))
        day += timedelta(days=1)
    return found
