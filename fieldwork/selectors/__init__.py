"""Who sees which inspections: the one place that decides it for pages, API and exports.

The package's modules read the rest, one per subject as in `fieldwork/services/`: what an
inspection's record says (`records`), its evidence (`evidence`), its follow-ups (`followups`),
the result code table (`result_codes`)."""

from datetime import date

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from backend.accounts.roles import Role
from backend.text import join_first
from fieldwork.models import FollowUp, FollowUpStatus, Inspection, InspectionState, ResultCode
from inspections.planning.caps import PassedCap, caps_passed
from inspections.planning.models import InspectionType, SamplingTask, TaskStatus

# Roles that read their department's inspections (the team members read their own).
_DEPARTMENT_READERS = (Role.PLANNER, Role.DEPARTMENT_ADMIN, Role.LEGAL_REVIEWER)
# States in which the team still has work to do.
OPEN_STATES = (
    InspectionState.PLANNED,
    InspectionState.NOTIFIED,
    InspectionState.ON_SITE,
    InspectionState.RETURNED,
)


def inspections_visible_to(user) -> QuerySet[Inspection]:
    """An inspector: the inspections whose team they sit on. Planners, department heads and
    legal reviewers: every inspection of a task their department leads or takes part in.
    The audit administrator reads all (read-only). Anyone else: none."""
    inspections = Inspection.objects.select_related("task", "task__department", "firm")
    if user is None or not user.is_authenticated or not user.is_active:
        return inspections.none()
    if user.has_role(Role.AUDIT_ADMIN):
        return inspections
    if user.has_role(Role.INSPECTOR):
        officer = getattr(user, "officer", None)
        if officer is None:
            return inspections.none()
        return inspections.filter(members__officer=officer).distinct()
    if user.has_role(*_DEPARTMENT_READERS):
        return inspections.filter(
            Q(task__department_id=user.department_id)
            | Q(task__participations__department_id=user.department_id)
        ).distinct()
    return inspections.none()


def get_inspection_for_user(user, pk: int) -> Inspection:
    """The inspection, if `user` may see it; 404 otherwise (not 403: do not confirm it exists)."""
    try:
        return inspections_visible_to(user).get(pk=pk)
    except Inspection.DoesNotExist:
        raise Http404("未找到该检查") from None


def recent_inspections(*, task: SamplingTask, since: date) -> QuerySet[Inspection]:
    """The inspections, opened by another task, of one of `task`'s items (any version of it)
    whose window ends on or after `since`: carried out or still to be. Registered as
    inspections' recent-inspection exclusion (FieldworkConfig.ready())."""
    items = task.items.values("item_id")
    return (
        Inspection.objects.filter(window_end__gte=since, task__items__item_id__in=items)
        .exclude(task_id=task.pk)
        .order_by()
    )


def my_open_inspections(user) -> QuerySet[Inspection]:
    """An inspector's inspections still to carry out or complete, today's window first."""
    from fieldwork.services.inspections import sync_teams

    officer = getattr(user, "officer", None)
    if officer is not None:
        # A replacement draw may have seated this officer since the inspections opened.
        for task in officer.department.sampling_tasks.filter(status=TaskStatus.IN_PROGRESS):
            sync_teams(task=task)
    today = timezone.localdate()
    return (
        inspections_visible_to(user)
        .filter(state__in=OPEN_STATES, window_start__lte=today)
        .order_by("window_end", "code")
    )


def my_upcoming_inspections(user) -> QuerySet[Inspection]:
    """An inspector's open inspections whose window has not begun yet, the soonest first."""
    return (
        inspections_visible_to(user)
        .filter(state__in=OPEN_STATES, window_start__gt=timezone.localdate())
        .order_by("window_start", "code")
    )


def my_recent_inspections(user, *, limit: int = 10) -> list[Inspection]:
    """An inspector's inspections already submitted, reviewed or closed, the newest first."""
    return list(
        inspections_visible_to(user)
        .exclude(state__in=OPEN_STATES)
        .order_by("-window_end", "-id")[:limit]
    )


# --- follow-ups (后续处置) ----------------------------------------------------------------------


def follow_ups_visible_to(user) -> QuerySet[FollowUp]:
    """The follow-ups of the inspections `user` may see (see `inspections_visible_to`)."""
    return FollowUp.objects.filter(inspection__in=inspections_visible_to(user)).select_related(
        "inspection", "inspection__task", "opened_record", "completed_record"
    )


def with_overdue(follow_ups: QuerySet[FollowUp], today: date | None = None) -> QuerySet[FollowUp]:
    """Annotate `overdue`: still open and past its due date."""
    today = today or timezone.localdate()
    return follow_ups.annotate(
        overdue=Case(
            When(status=FollowUpStatus.OPEN, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def follow_ups_due(user, *, today: date | None = None) -> QuerySet[FollowUp]:
    """The open follow-ups of the department's inspections, for its dashboards: earliest due
    date first (overdue ones first of all, flagged `overdue`), those without a date last."""
    return with_overdue(
        follow_ups_visible_to(user).filter(status=FollowUpStatus.OPEN), today
    ).order_by(F("due_on").asc(nulls_last=True), "inspection__code", "pk")


def result_codes_for(user) -> QuerySet[ResultCode]:
    """The result code table as `user` maintains it: the system administrator every code;
    a department administrator the shared codes and the department's own."""
    codes = ResultCode.objects.select_related("parent", "department")
    if user is None or not user.is_authenticated:
        return codes.none()
    if user.has_role(Role.SYSTEM_ADMIN):
        return codes
    if user.has_role(Role.DEPARTMENT_ADMIN):
        return codes.filter(Q(department__isnull=True) | Q(department_id=user.department_id))
    return codes.none()


def approvals_waiting_for(
    user, *, search: str = "", inspection_type: str = "", approval_state: str = ""
) -> QuerySet[Inspection]:
    """The inspections of tasks `user`'s department leads that wait for its head: not yet
    approved, or started in an emergency and not yet approved afterwards (the overdue first).
    `search` matches the inspection's or task's code and the firm's name or code."""
    from fieldwork.models import ApprovalState

    if user is None or not user.is_authenticated or not user.has_role(Role.DEPARTMENT_ADMIN):
        return Inspection.objects.none()
    waiting = (ApprovalState.PENDING, ApprovalState.EMERGENCY)
    rows = inspections_visible_to(user).filter(
        task__department_id=user.department_id, approval_state__in=waiting
    )
    search = (search or "").strip()
    if search:
        rows = rows.filter(
            Q(code__icontains=search)
            | Q(task__code__icontains=search)
            | Q(firm_name__icontains=search)
            | Q(firm_uscc__icontains=search.upper())
        )
    if inspection_type:
        rows = rows.filter(inspection_type=inspection_type)
    if approval_state in waiting:
        rows = rows.filter(approval_state=approval_state)
    elif approval_state == "overdue":
        rows = rows.filter(
            approval_state=ApprovalState.EMERGENCY, approval_due__lt=timezone.localdate()
        )
    return rows.prefetch_related("members__officer").order_by(
        F("approval_due").asc(nulls_last=True), "code"
    )


# An inspection is done with for the task once its result is reviewed, or it is closed.
REVIEW_DONE_STATES = (InspectionState.REVIEWED, InspectionState.CLOSED, InspectionState.ARCHIVED)


def review_blockers(task: SamplingTask) -> list[tuple[str, str]]:
    """What keeps `task` from 检查结果已审核: its inspections not yet reviewed or closed.
    Registered with planning's transition checks (FieldworkConfig.ready())."""
    pending = list(
        task.inspections.exclude(state__in=REVIEW_DONE_STATES)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not pending:
        return []
    return [
        (
            "inspections_unreviewed",
            f"抽查任务{task.code}还有 {len(pending)} 项检查未完成审核（{join_first(pending)}），"
            "不能变更为“检查结果已审核”",
        )
    ]


# Up to this many tasks are written into the ledger's query as a list (SQLite's limit on a
# statement's parameters is far above it).
TASKS_AS_LIST = 2000


def frequency_ledger(*, year: int, bodies, fields, per_item: bool = True) -> QuerySet:
    """The frequency caps' ledger (inspections.planning.caps): this year's inspections (by the
    start of their window) by the lead departments `bodies`, for items of `fields` (None: any),
    with the names the ledger reads (`LEDGER_NAMES` there): one row per inspection and item.
    With `per_item=False`, one row per inspection and no `ledger_field`: the tasks with an item
    of `fields` are found apart (a semi-join), so counting or listing firms does not first
    multiply each inspection by its task's items. Registered in FieldworkConfig.ready()."""
    rows = Inspection.objects.filter(
        window_start__gte=date(year, 1, 1),
        window_start__lte=date(year, 12, 31),
        task__department_id__in=bodies,
    )
    names = {
        "ledger_inspection": F("pk"),
        "ledger_firm": F("firm_id"),
        "ledger_body": F("task__department_id"),
        "ledger_kind": F("inspection_type"),
        "ledger_authority": F("task__campaign_authority"),
    }
    if not per_item:
        if fields is not None:
            # The bodies' tasks with an item of `fields` are few: read first, they enter the
            # query as constants, which the planner cannot misjudge (no statistics needed).
            tasks = SamplingTask.objects.filter(
                department_id__in=bodies, items__item__enforcement_field_id__in=fields
            )
            task_ids = list(tasks.values_list("pk", flat=True).distinct()[: TASKS_AS_LIST + 1])
            if len(task_ids) > TASKS_AS_LIST:
                task_ids = tasks.values("pk")
            rows = rows.filter(task_id__in=task_ids)
        return rows.order_by().annotate(**names)
    if fields is not None:
        rows = rows.filter(task__items__item__enforcement_field_id__in=fields)
    return rows.order_by().annotate(
        **names, ledger_field=F("task__items__item__enforcement_field_id")
    )


def caps_passed_by(inspection: Inspection) -> list[PassedCap]:
    """The frequency caps a 个案 or 专项 inspection passes, which its approver must confirm
    with a reason (a 日常 one is drawn from a pool that already leaves out the firms at a
    cap)."""
    if inspection.inspection_type not in (InspectionType.CASE, InspectionType.CAMPAIGN):
        return []
    return caps_passed(
        task=inspection.task, firm_id=inspection.firm_id, inspection_id=inspection.pk
    )
