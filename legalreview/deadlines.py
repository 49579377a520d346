"""The review's time limit in working days (backend.workdays): 5 from the submission, and 3
more once, with a reason. Computed on demand, so that a year the administrator enters later
corrects every deadline it affects, and the fallback warning goes with each date."""

from datetime import date

from django.utils import timezone

from backend.workdays.calendar import Deadline, WorkdayCalendar
from backend.workdays.selectors import workday_calendar
from legalreview.models import LegalReview


def review_deadline(review: LegalReview, calendar: WorkdayCalendar | None = None) -> Deadline:
    """The last day for the opinion (the submission day itself is not counted)."""
    calendar = calendar or workday_calendar()
    return calendar.add_working_days(review.submitted_on, review.working_days)


def is_overdue(deadline: Deadline, today: date | None = None) -> bool:
    return (today or timezone.localdate()) > deadline.due
