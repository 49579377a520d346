"""When a result must be public: working days per the State Council calendar.

The law's defaults (domain.md, Disclosure): an inspection result within 20 working days of the
reviewed result; a 许可 or 处罚 decision within 7 working days of the decision; the withdrawal
of a revoked decision within 3. A department may set its own figures (`PublicationDeadline`).
Working days come from `backend.workdays` (entered years, then chinesecalendar, then
Monday–Friday with a warning that every deadline it affects carries).
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from backend.organisation.models import Department
from backend.workdays.calendar import Deadline, WorkdayCalendar
from backend.workdays.selectors import workday_calendar
from disclosure import gates
from disclosure.models import DEFAULT_WORKING_DAYS, DecisionKind, PublicationDeadline
from fieldwork.models import Inspection


def working_days_for(department: Department) -> dict[str, int]:
    """Each decision kind's time limit for `department`: its own figure, else the default."""
    days = dict(DEFAULT_WORKING_DAYS)
    days.update(
        PublicationDeadline.objects.filter(department=department).values_list(
            "kind", "working_days"
        )
    )
    return days


@dataclass(frozen=True)
class ResultDeadline:
    """The deadline of one inspection's publication, and what it counts from."""

    kind: str  # DecisionKind
    start: date
    deadline: Deadline

    @property
    def due(self) -> date:
        return self.deadline.due

    @property
    def kind_label(self) -> str:
        return str(DecisionKind(self.kind).label)

    @property
    def warning(self) -> str:
        return self.deadline.warning


def result_deadline(
    inspection: Inspection,
    *,
    days: dict[str, int] | None = None,
    calendar: WorkdayCalendar | None = None,
) -> ResultDeadline:
    """The earliest of: N working days from the review, and each issued 许可 or 处罚 decision's
    own limit from the day it was issued. `days` and `calendar` let a list compute many at once.
    """
    days = days if days is not None else working_days_for(inspection.task.department)
    calendar = calendar or workday_calendar()
    reviewed = timezone.localdate(inspection.reviewed_at or timezone.now())
    candidates = [(DecisionKind.RESULT, reviewed)] + gates.issued_decisions(inspection)
    best = None
    for kind, start in candidates:
        deadline = calendar.add_working_days(start, days[kind])
        if best is None or deadline.due < best.deadline.due:
            best = ResultDeadline(kind=kind, start=start, deadline=deadline)
    return best


def withdrawal_deadline(
    department: Department, revoked_on: date, *, calendar: WorkdayCalendar | None = None
) -> Deadline:
    """A revoked decision's publication is withdrawn within N working days of the revocation."""
    calendar = calendar or workday_calendar()
    return calendar.add_working_days(
        revoked_on, working_days_for(department)[DecisionKind.WITHDRAWAL]
    )
