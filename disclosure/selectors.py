"""A department's publication work: what is due, what is overdue, what it has published."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from backend.organisation.models import Department
from backend.text import join_first
from backend.workdays.selectors import workday_calendar
from disclosure import gates
from disclosure.deadlines import ResultDeadline, result_deadline, working_days_for
from disclosure.models import PublicationKind, PublishedResult
from disclosure.services import PUBLISHABLE, PUBLISHERS
from fieldwork.models import Inspection
from inspections.planning.models import SamplingTask


@dataclass(frozen=True)
class DueResult:
    inspection: Inspection
    deadline: ResultDeadline
    overdue: bool
    blockers: tuple[str, ...]

    @property
    def due(self) -> date:
        return self.deadline.due


def may_publish(user) -> bool:
    return user.is_authenticated and user.has_role(*PUBLISHERS)


def unpublished(department: Department) -> QuerySet[Inspection]:
    """The department's reviewed inspections (it leads their tasks) not yet published."""
    published = PublishedResult.objects.filter(inspection=OuterRef("pk"))
    return (
        Inspection.objects.filter(task__department=department, state__in=PUBLISHABLE)
        .filter(~Exists(published))
        .select_related("task", "task__department", "firm")
    )


def due_results(department: Department, *, today: date | None = None) -> list[DueResult]:
    """Every result the department must still publish, the earliest deadline first."""
    today = today or timezone.localdate()
    calendar = workday_calendar()
    days = working_days_for(department)
    due = []
    for inspection in unpublished(department):
        deadline = result_deadline(inspection, days=days, calendar=calendar)
        due.append(
            DueResult(
                inspection=inspection,
                deadline=deadline,
                overdue=deadline.due < today,
                blockers=tuple(gates.publication_blockers(inspection)),
            )
        )
    return sorted(due, key=lambda d: (d.due, d.inspection.code))


def due_counts(department: Department, *, today: date | None = None) -> tuple[int, int]:
    """(due, overdue) for the dashboards."""
    due = due_results(department, today=today)
    overdue = sum(1 for d in due if d.overdue)
    return len(due) - overdue, overdue


def department_publications(department: Department) -> QuerySet[PublishedResult]:
    return (
        PublishedResult.objects.filter(department=department)
        .select_related("replaced_by", "replaces")
        .order_by("-id")
    )


def get_publication_for_user(user, code: str) -> PublishedResult:
    """A publication of the user's department that is still in force (404 otherwise)."""
    row = (
        department_publications(user.department)
        .filter(code=code, replaced_by__isnull=True)
        .exclude(kind=PublicationKind.WITHDRAWAL)
        .first()
    )
    if row is None or not may_publish(user):
        raise Http404("未找到该公示，或该公示已被更正、撤回")
    return row


def task_publication_blockers(task: SamplingTask) -> list[tuple[str, str]]:
    """What keeps `task` from 检查结果已公示: its inspections whose result is not published.
    Registered with planning's transition checks (DisclosureConfig.ready())."""
    pending = list(
        task.inspections.filter(publications__isnull=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not pending:
        return []
    return [
        (
            "results_unpublished",
            f"抽查任务{task.code}还有 {len(pending)} 项检查结果未公示（{join_first(pending)}），"
            "不能变更为“检查结果已公示”",
        )
    ]
