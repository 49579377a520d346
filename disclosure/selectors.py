"""A department's publication work: what is due, what is overdue, what it has published; what
a result would publish now (`snapshot`) and why it cannot be yet (`publication_problems`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from backend.organisation.models import Department
from backend.text import join_first
from backend.workdays.selectors import workday_calendar
from disclosure import gates
from disclosure.access import PUBLISHERS
from disclosure.deadlines import ResultDeadline, result_deadline, working_days_for
from disclosure.models import FollowUpSummary, PublicationKind, PublishedResult
from fieldwork.models import FollowUpStatus, Inspection, InspectionState, RecordKind, ResultCode
from fieldwork.selectors.records import latest, start_record
from inspections.planning.models import SamplingTask

S = InspectionState
# An inspection whose result the lead department has reviewed (同意).
PUBLISHABLE = (S.REVIEWED, S.CLOSED, S.ARCHIVED)


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


def _words(codes: Iterable[str]) -> str:
    """ " a b " : a filter for code `a` is `contains " a "`, on every database."""
    codes = list(dict.fromkeys(codes))
    return f" {' '.join(codes)} " if codes else ""


def _follow_ups(inspection: Inspection) -> tuple[list[dict], str]:
    rows = [
        {
            "kind": f.kind,
            "label": f.get_kind_display(),
            "completed_on": f.completed_on.isoformat() if f.completed_on else None,
        }
        for f in inspection.follow_ups.order_by("pk")
    ]
    relevant = [f for f in inspection.follow_ups.all() if f.kind != "none"]
    if not relevant:
        return rows, FollowUpSummary.NONE
    if all(f.status == FollowUpStatus.COMPLETED for f in relevant):
        return rows, FollowUpSummary.COMPLETED
    return rows, FollowUpSummary.OPEN


def snapshot(inspection: Inspection) -> dict:
    """The public columns of `inspection`'s result as they are now."""
    task = inspection.task
    result = latest(inspection, RecordKind.RESULT)
    codes = list(result.content["codes"]) if result is not None else list(inspection.result_codes)
    found = {c.code: c for c in ResultCode.objects.filter(code__in=codes).select_related("parent")}
    chosen = [found[c] for c in codes if c in found]
    words = []
    for code in chosen:
        words.append(code.code)
        if code.parent_id:
            words.append(code.parent.code)
    arrival = start_record(inspection)
    when = arrival.occurred_at if arrival is not None else inspection.reviewed_at
    inspected_on = timezone.localdate(when or timezone.now())
    follow_ups, follow_up_status = _follow_ups(inspection)
    joint = [
        p.department.name
        for p in task.participations.select_related("department").order_by("department__code")
        if not p.is_lead and p.is_confirmed
    ]
    return {
        "department": task.department,
        "agency": task.department.name,
        "joint_agencies": "、".join(joint),
        "task_code": task.code,
        "task_name": task.name,
        "firm_uscc": inspection.firm_uscc,
        "firm_name": inspection.firm_name,
        "region_code": inspection.firm.region_code,
        "items": [
            {"code": v.item.code, "name": v.name}
            for v in task.items.select_related("item").order_by("item__code")
        ],
        "inspected_on": inspected_on,
        "year": inspected_on.year,
        "result_codes": _words(words),
        "result_text": "；".join(c.label for c in chosen),
        "follow_ups": follow_ups,
        "follow_up_kinds": _words(f["kind"] for f in follow_ups if f["kind"] != "none"),
        "follow_up_status": follow_up_status,
    }


def publication_problems(inspection: Inspection) -> list[str]:
    """Why `inspection`'s result cannot be published now, in Chinese; empty if it can."""
    label = f"检查{inspection.code}（{inspection.firm_name}）"
    if inspection.state not in PUBLISHABLE:
        return [f"{label}的结果尚未审核（{inspection.get_state_display()}），不能公示"]
    first = inspection.publications.order_by("pk").first()
    if first is not None:
        return [f"{label}的结果已于{timezone.localdate(first.published_at)}公示，如需修改请更正"]
    return [f"{label}：{reason}" for reason in gates.publication_blockers(inspection)]
