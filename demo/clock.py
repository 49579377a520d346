"""The demo's dates: everything derives from the day `seed_demo` runs (`timezone.localdate()`,
Asia/Shanghai), and the parts of the story that happened earlier are replayed on their own days.

`on(day, hour)` runs the real services with Django's clock (`django.utils.timezone.now`, which
`timezone.localdate()` and every service's timestamp read) set to that moment of the story, and
running on from it: the draws of last year are announced and numbered in last year
(D-<year>-NNNN), its inspections are recorded, reviewed and published on their days, and the
audit trail says when each step happened in the story. A moment later than the real clock is
never used: the demo invents no future.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.utils import timezone

_REAL_NOW = timezone.now


def real_now() -> datetime:
    return _REAL_NOW()


def real_today() -> date:
    """The day `seed_demo` runs (Asia/Shanghai), whatever the story's clock says."""
    return timezone.localdate(real_now())


def last_year() -> int:
    return real_today().year - 1


def this_year() -> int:
    return real_today().year


def moment(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """That time of `day` (Asia/Shanghai), or now if it has not come yet."""
    at = timezone.make_aware(datetime.combine(day, time(hour, minute)))
    return min(at, real_now())


@contextmanager
def on(day: date, hour: int = 9, minute: int = 0) -> Iterator[datetime]:
    """Run the block with the clock at that moment of the story (never later than now)."""
    began = real_now()
    start = min(timezone.make_aware(datetime.combine(day, time(hour, minute))), began)
    previous = timezone.now

    def story_now() -> datetime:
        # The story's clock runs on from its start, so that timestamps keep their order.
        return min(start + (real_now() - began), real_now())

    timezone.now = story_now
    try:
        yield start
    finally:
        timezone.now = previous


def clamp(day: date, year: int) -> date:
    return min(max(day, date(year, 1, 1)), date(year, 12, 31))


def within(days: int, of: date) -> date:
    return of + timedelta(days=days)
