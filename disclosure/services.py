"""Publishing inspection results (事后公示), correcting and withdrawing them.

谁检查、谁录入、谁公开: the department that inspected publishes. For a joint task that is the
lead department: its head reviews the results (fieldwork's `require_result_reviewer`), so it
is the department that enters the final result; the participating departments are named on
every publication as 联合检查部门. Its planners and its department administrator publish.

Only a reviewed result (the inspection reviewed, closed or archived) is ever published, never
while legal review blocks it (`legalreview.gates.publication_blockers`). A publication is
final: a correction or a withdrawal is a new row pointing at the one it replaces.
"""

from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.organisation.models import Department
from backend.workdays.selectors import workday_calendar
from disclosure.access import require_publisher
from disclosure.actions import DisclosureAction
from disclosure.deadlines import result_deadline, withdrawal_deadline, working_days_for
from disclosure.models import (
    DecisionKind,
    PublicationDeadline,
    PublicationKind,
    PublishedResult,
    PublishedResultItem,
)
from disclosure.selectors import publication_problems, snapshot
from fieldwork.models import Inspection, InspectionState
from inspections.planning.models import TaskStatus
from inspections.planning.selectors import transition_blockers
from inspections.planning.services.task_transitions import transition_task

S = InspectionState

# The columns a correction compares: if none changed, there is nothing to correct.
_PUBLIC_FIELDS = (
    "agency", "joint_agencies", "task_code", "task_name", "firm_uscc", "firm_name",
    "region_code", "items", "inspected_on", "year", "result_codes", "result_text", "follow_ups",
    "follow_up_kinds", "follow_up_status",
)  # fmt: skip


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- what is published --------------------------------------------------------------------------


def _save(
    *,
    actor,
    inspection: Inspection,
    values: dict,
    kind: str,
    replaces: PublishedResult | None = None,
    reason: str = "",
    due_on: date | None = None,
) -> PublishedResult:
    number = PublishedResult.objects.filter(inspection=inspection).count() + 1
    row = PublishedResult(
        code=f"{inspection.code}-G{number}",
        inspection=inspection,
        kind=kind,
        replaces=replaces,
        reason=reason,
        due_on=due_on,
        published_at=timezone.now(),
        published_by=actor,
        **values,
    )
    row.full_clean()
    row.save()
    PublishedResultItem.objects.bulk_create(
        PublishedResultItem(result=row, item_code=item["code"]) for item in row.items
    )
    return row


def _lock(inspection_ids: Iterable[int]) -> list[Inspection]:
    ids = sorted(set(inspection_ids))
    list(Inspection.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    return list(
        Inspection.objects.filter(pk__in=ids)
        .select_related("task", "task__department", "firm")
        .order_by("code")
    )


# --- publishing ---------------------------------------------------------------------------------


@transaction.atomic
def publish_results(*, actor, inspections: Iterable[Inspection]) -> list[PublishedResult]:
    """Publish the reviewed results of `inspections`, all or none.

    When every inspection of a task has been published, the task moves to 检查结果已公示.
    """
    locked = _lock(i.pk for i in inspections)
    if not locked:
        raise _refuse("请选择要公示的检查结果", "nothing_selected", "inspections")
    for inspection in locked:
        require_publisher(actor, inspection.task.department)
    problems = [p for inspection in locked for p in publication_problems(inspection)]
    if problems:
        raise ValidationError(
            {"inspections": [ValidationError(p, code="not_publishable") for p in problems]}
        )
    calendar = workday_calendar()
    days = working_days_for(actor.department)
    rows = [
        _save(
            actor=actor,
            inspection=inspection,
            values=snapshot(inspection),
            kind=PublicationKind.ORIGINAL,
            due_on=result_deadline(inspection, days=days, calendar=calendar).due,
        )
        for inspection in locked
    ]
    late = [row.code for row in rows if row.due_on < timezone.localdate(row.published_at)]
    record_event(
        action=DisclosureAction.PUBLISH,
        actor=actor,
        obj=rows[0],
        detail={"published": [row.code for row in rows], "late": late},
    )
    for task in {inspection.task for inspection in locked}:
        task.refresh_from_db(fields=["status"])
        if task.status == TaskStatus.RESULTS_REVIEWED and not transition_blockers(
            task, TaskStatus.PUBLISHED
        ):
            # The publisher may be the department administrator, not the task's planner: the
            # move is the system's, and says why.
            transition_task(
                actor=None, task=task, to=TaskStatus.PUBLISHED, reason="全部检查结果已公示"
            )
    return rows


def _current(result: PublishedResult) -> PublishedResult:
    """`result` locked through its inspection, refused unless it is the one in force."""
    _lock([result.inspection_id])
    result = PublishedResult.objects.select_related("department", "inspection").get(pk=result.pk)
    if PublishedResult.objects.filter(replaces=result).exists():
        raise _refuse(
            f"公示{result.code}已被更正或撤回，请对最新的公示进行操作", "already_replaced"
        )
    if result.kind == PublicationKind.WITHDRAWAL:
        raise _refuse(f"公示{result.code}是撤回公告，不能再更正或撤回", "withdrawn")
    return result


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _refuse("请说明原因（将向社会公开）", "reason_required", "reason")
    return reason


@transaction.atomic
def correct_result(*, actor, result: PublishedResult, reason: str) -> PublishedResult:
    """Publish the inspection's result as it is now (e.g. a follow-up since completed) as a
    correction of `result`, which stays visible as corrected."""
    result = _current(result)
    require_publisher(actor, result.department)
    reason = _reason(reason)
    inspection = result.inspection
    values = snapshot(inspection)
    if all(getattr(result, name) == values[name] for name in _PUBLIC_FIELDS):
        raise _refuse(
            "检查结果与已公示的内容相同，无需更正", "nothing_to_correct", "non_field_errors"
        )
    row = _save(
        actor=actor,
        inspection=inspection,
        values=values,
        kind=PublicationKind.CORRECTION,
        replaces=result,
        reason=reason,
    )
    record_event(
        action=DisclosureAction.CORRECT,
        actor=actor,
        obj=row,
        detail={"code": row.code, "replaces": result.code, "reason": reason},
    )
    return row


@transaction.atomic
def withdraw_result(
    *, actor, result: PublishedResult, reason: str, revoked_on: date
) -> PublishedResult:
    """Withdraw a publication whose decision was revoked (撤销): a withdrawal notice, due within
    3 working days of the revocation by default, that stays public with its reason."""
    result = _current(result)
    require_publisher(actor, result.department)
    reason = _reason(reason)
    if revoked_on > timezone.localdate():
        raise _refuse("撤销日期不能晚于今天", "revoked_in_future", "revoked_on")
    values = {name: getattr(result, name) for name in _PUBLIC_FIELDS}
    row = _save(
        actor=actor,
        inspection=result.inspection,
        values={"department": result.department, **values},
        kind=PublicationKind.WITHDRAWAL,
        replaces=result,
        reason=reason,
        due_on=withdrawal_deadline(result.department, revoked_on).due,
    )
    record_event(
        action=DisclosureAction.WITHDRAW,
        actor=actor,
        obj=row,
        detail={
            "code": row.code,
            "replaces": result.code,
            "reason": reason,
            "revoked_on": revoked_on.isoformat(),
            "due_on": row.due_on.isoformat(),
        },
    )
    return row


# --- each department's time limits --------------------------------------------------------------


@transaction.atomic
def set_publication_deadlines(
    *, actor, department: Department, working_days: Mapping[str, int]
) -> dict[str, int]:
    """The department administrator sets the department's time limits, kind by kind."""
    if not actor.has_role(Role.DEPARTMENT_ADMIN) or actor.department_id != department.pk:
        raise PermissionDenied("公示期限由本部门的部门管理员设置")
    before = working_days_for(department)
    for kind, days in working_days.items():
        if kind not in DecisionKind.values:
            raise _refuse(f"未知的公示事项：{kind}", "unknown_kind", kind)
        row = PublicationDeadline.objects.filter(department=department, kind=kind).first()
        row = row or PublicationDeadline(department=department, kind=kind)
        row.working_days = days
        try:
            row.full_clean()
        except ValidationError as exc:
            raise ValidationError({kind: exc.messages}, code="bad_working_days") from None
        row.save()
    after = working_days_for(department)
    record_event(
        action=DisclosureAction.DEADLINES,
        actor=actor,
        obj=department,
        detail={"before": before, "after": after},
    )
    return after
