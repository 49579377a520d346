"""Who sees which plans and tasks, a task's scope with its live counts, and the department's
dashboard. Every page, API and export of plans and tasks reads through these functions.

- A department's planners, administrators and legal reviewers see their own department's plans
  and the tasks it leads.
- A participating department sees a joint task once it has confirmed its seats, and then only
  that task: never the lead's plan or its other tasks. Before that, its planners and
  administrators see the invitation (what they are asked to confirm).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from backend.accounts.roles import Role
from backend.accounts.selectors import scope_to_department
from inspections.directory.models import Firm, FirmStatus, RiskClass
from inspections.directory.selectors import (
    filter_by_region,
    filter_by_tag,
    firms_for_items,
    risk_class_counts,
)
from inspections.planning import rules
from inspections.planning.caps import (
    FREQUENCY_CAP,
    FREQUENCY_CAP_LABEL,
    caps_for_task,
    firms_at_cap,
    firms_at_cap_array,
)
from inspections.planning.models import (
    AnnualPlan,
    ParticipationStatus,
    SamplingTask,
    ScopeMode,
    TaskDepartment,
    TaskStatus,
)
from inspections.planning.models.tasks import BEFORE_TEAMS, FINISHED

PLANNING_ROLES = frozenset({Role.PLANNER, Role.DEPARTMENT_ADMIN, Role.LEGAL_REVIEWER})
# Who answers an invitation to a joint task for their department.
CONFIRMING_ROLES = frozenset({Role.PLANNER, Role.DEPARTMENT_ADMIN})


def _reads_plans(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*PLANNING_ROLES))


# --- plans ---------------------------------------------------------------------------------------


def plans_visible_to(user) -> QuerySet[AnnualPlan]:
    plans = AnnualPlan.objects.select_related("department", "filing")
    if not _reads_plans(user):
        return plans.none()
    return scope_to_department(plans, user)


def get_plan_for_user(user, pk: int) -> AnnualPlan:
    """The plan, if `user` may see it; 404 otherwise (not 403: do not confirm it exists)."""
    try:
        return plans_visible_to(user).get(pk=pk)
    except AnnualPlan.DoesNotExist:
        raise Http404("未找到该年度计划") from None


# --- tasks ---------------------------------------------------------------------------------------


def tasks_visible_to(user) -> QuerySet[SamplingTask]:
    tasks = SamplingTask.objects.select_related("department", "plan")
    if not _reads_plans(user):
        return tasks.none()
    confirmed = TaskDepartment.objects.filter(
        department_id=user.department_id, status=ParticipationStatus.CONFIRMED
    ).values("task_id")
    return tasks.filter(Q(department_id=user.department_id) | Q(pk__in=confirmed))


def get_task_for_user(user, pk: int) -> SamplingTask:
    try:
        return tasks_visible_to(user).get(pk=pk)
    except SamplingTask.DoesNotExist:
        raise Http404("未找到该抽查任务") from None


def invitations_for(user) -> QuerySet[TaskDepartment]:
    """The joint tasks the user's department is invited to and has not yet confirmed."""
    participations = TaskDepartment.objects.select_related("task__department", "department")
    if not (getattr(user, "is_authenticated", False) and user.has_role(*CONFIRMING_ROLES)):
        return participations.none()
    return participations.filter(
        department_id=user.department_id,
        is_lead=False,
        status=ParticipationStatus.INVITED,
        task__status=TaskStatus.DRAFT,
    ).order_by("task__window_start", "task__code")


def get_invitation_for_user(user, task_pk: int) -> TaskDepartment:
    try:
        return invitations_for(user).get(task_id=task_pk)
    except TaskDepartment.DoesNotExist:
        raise Http404("未找到该联合抽查邀请") from None


# --- scope ---------------------------------------------------------------------------------------

# DR-1 pool exclusion codes for firms no longer in existence (draw-spec.md, Pool file).
EXCLUSION_REASONS = {
    FirmStatus.DEREGISTERED: "deregistered",
    FirmStatus.LICENSE_REVOKED: "revoked",
    FirmStatus.CANCELLED: "cancelled",
    FirmStatus.MOVED_OUT: "moved-out",
}
# A firm inspected, or to be inspected, for one of the task's items within its exclusion window.
RECENT_INSPECTION = "recent-inspection"
REASON_LABELS = {
    **{code: str(FirmStatus(status).label) for status, code in EXCLUSION_REASONS.items()},
    RECENT_INSPECTION: "近期已就同一事项检查",
    FREQUENCY_CAP: FREQUENCY_CAP_LABEL,
}

# Which firm was inspected for which item, and when, is the fieldwork app's record, which this
# app may not import. Fieldwork registers (FieldworkConfig.ready()) a function that, given
# `task=` and `since=`, returns its inspections of one of the task's items whose window ends on
# or after `since`, by another task: a queryset with `firm_id`, read as a subquery.
RecentInspections = Callable[..., QuerySet]
# Up to this many recently inspected firms are written into the scope's query as a list
# (PostgreSQL).
RECENT_AS_LIST = 200_000
_recent_inspections: RecentInspections | None = None


def register_recent_inspections(provider: RecentInspections) -> None:
    global _recent_inspections
    _recent_inspections = provider


def exclusion_since(task: SamplingTask) -> date:
    """The first day of the task's exclusion window: `exclusion_months` before its window
    opens (the same day of the month, or the month's last day)."""
    months = task.window_start.year * 12 + task.window_start.month - 1 - task.exclusion_months
    year, month = divmod(months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(task.window_start.day, last_day))


def task_scope(task: SamplingTask) -> QuerySet[Firm]:
    """Every firm the task covers, before exclusions: the firms at least one of its items
    applies to (不定向), narrowed by the task's filters (定向)."""
    firms = firms_for_items(list(task.items.all()), include_inactive=True)
    if task.scope_mode != ScopeMode.TARGETED:
        return firms
    if task.region_code:
        firms = filter_by_region(firms, task.region_code)
    if task.industry_prefix:
        firms = firms.filter(industry_code__startswith=task.industry_prefix)
    for tag in task.tags:
        firms = filter_by_tag(firms, tag)
    for flag in task.flags:
        firms = firms.filter(**{flag: True})
    if task.statuses:
        firms = firms.filter(status__in=task.statuses)
    return firms


def exclusion_reason(
    task: SamplingTask | None = None, written: Mapping[str, str] | None = None
) -> Case:
    """The DR-1 reason code why a firm of the scope may not be drawn ("" when it may): no longer
    in existence, or, for `task`, inspected for one of its items within its exclusion window
    (the same firm for the same item at most once in `exclusion_months`, domain.md), or at one
    of the frequency caps an inspection by the task would count under (`frequency-cap`).

    With `written`, each reason code ("" included) is written as what it maps to instead.
    The draws step builds a task's pool with it (inspections.draws.draw_files)."""
    code = (lambda reason: Value(written[reason])) if written else Value
    whens = [When(status=status, then=code(reason)) for status, reason in EXCLUSION_REASONS.items()]
    if task is not None and task.exclusion_months and _recent_inspections is not None:
        recent = _recent_inspections(task=task, since=exclusion_since(task))
        # On PostgreSQL, the firms as a list of ids where it is not huge: a correlated subquery
        # would keep it from reading and sorting a large scope on every core (a SubPlan is
        # parallel-restricted), while a list of constants does not. SQLite reads on one core,
        # and limits the number of parameters: the subquery.
        firms = []
        if connection.vendor == "postgresql":
            firms = list(recent.values_list("firm_id", flat=True).distinct()[: RECENT_AS_LIST + 1])
        if connection.vendor != "postgresql" or len(firms) > RECENT_AS_LIST:
            when = When(Exists(recent.filter(firm_id=OuterRef("pk"))), then=code(RECENT_INSPECTION))
            whens.append(when)
        elif firms:
            whens.append(When(pk__in=firms, then=code(RECENT_INSPECTION)))
    if task is not None:
        # A firm this body may not inspect again this year (频次上限): a list of ids, at most
        # the firms at a cap, which the ledger has just counted.
        found = caps_for_task(task)
        if any(cap.limit == 0 for cap in found.caps):
            whens.append(When(pk__isnull=False, then=code(FREQUENCY_CAP)))
        elif connection.vendor == "postgresql":
            if (capped := firms_at_cap_array(task, found)) != "{}":
                whens.append(When(_one_of(capped), then=code(FREQUENCY_CAP)))
        elif capped := sorted(firms_at_cap(task, found)):
            whens.append(When(pk__in=capped, then=code(FREQUENCY_CAP)))
    return Case(*whens, default=code(""), output_field=CharField())


def _one_of(array: str) -> RawSQL:
    """The firms whose ids the PostgreSQL array literal `array` holds, as one array constant:
    tens of thousands of ids as an IN list cost more to parse and plan than the whole pool
    query; the array is one literal, and PostgreSQL looks its constant up by hashing."""
    column = f"{connection.ops.quote_name(Firm._meta.db_table)}.{connection.ops.quote_name('id')}"
    return RawSQL(f"{column} = ANY(%s::bigint[])", [array], output_field=BooleanField())


def task_exclusions(task: SamplingTask) -> QuerySet:
    """(firm id, reason code) of the firms in scope that the draw may not take: those no longer
    in existence (注销/吊销/撤销/迁出) and those inspected for one of the task's items within its
    `exclusion_months` (`recent-inspection`)."""
    return (
        task_scope(task)
        .annotate(reason=exclusion_reason(task))
        .exclude(reason="")
        .order_by("id")
        .values_list("id", "reason")
    )


@dataclass(frozen=True)
class StratumCount:
    risk_class: str
    label: str
    eligible: int
    excluded: dict[str, int]
    quota: rules.Quota | None
    planned: int

    @property
    def in_scope(self) -> int:
        return self.eligible + sum(self.excluded.values())

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    @property
    def excluded_labels(self) -> list[tuple[str, str, int]]:
        return [(code, REASON_LABELS.get(code, code), n) for code, n in self.excluded.items()]

    @property
    def short(self) -> bool:
        """A fixed count larger than the firms that may be drawn."""
        return (
            self.quota is not None
            and self.quota.count is not None
            and (self.quota.count > self.eligible)
        )


@dataclass(frozen=True)
class ScopeCounts:
    strata: list[StratumCount]
    warnings: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> int:
        return sum(s.eligible for s in self.strata)

    @property
    def excluded(self) -> int:
        return sum(s.excluded_total for s in self.strata)

    @property
    def planned(self) -> int:
        return sum(s.planned for s in self.strata)

    def eligible_by_stratum(self) -> dict[str, int]:
        return {s.risk_class: s.eligible for s in self.strata}


def _quotas(task: SamplingTask) -> dict[str, rules.Quota]:
    return {q.risk_class: rules.Quota(ratio=q.ratio, count=q.count) for q in task.quotas.all()}


def expected_firms(task: SamplingTask) -> int:
    """How many firms the task's draw would take today, from the per-class counts of the firms
    it may draw, cached until the directory changes (`risk_class_counts`): the dashboard asks
    this for every open task and must not count a large directory each time. The task page
    counts live (`scope_counts`), recent inspections excluded; this estimate counts the firms in
    existence only."""
    eligible = risk_class_counts(task_scope(task).filter(status=FirmStatus.ACTIVE))
    return sum(quota.planned(eligible[risk]) for risk, quota in _quotas(task).items())


def scope_counts(task: SamplingTask) -> ScopeCounts:
    """Per risk class: the firms the draw may take, the excluded ones by reason, and the quota
    they give. One GROUP BY over the scope, however large the directory."""
    rows = (
        task_scope(task)
        .annotate(reason=exclusion_reason(task))
        .order_by()
        .values_list("risk_class", "reason")
        .annotate(n=Count("id"))
    )
    eligible = dict.fromkeys(RiskClass.values, 0)
    excluded: dict[str, dict[str, int]] = {risk: {} for risk in RiskClass.values}
    for risk, reason, n in rows:
        if reason:
            excluded[risk][reason] = n
        else:
            eligible[risk] = n
    quotas = _quotas(task)
    capped = [v for v in task.items.all() if v.ratio_cap is not None]
    strata, warnings = [], []
    for risk in RiskClass.values:
        quota = quotas.get(risk)
        planned = quota.planned(eligible[risk]) if quota else 0
        stratum = StratumCount(
            risk_class=risk,
            label=str(RiskClass(risk).label),
            eligible=eligible[risk],
            excluded=dict(sorted(excluded[risk].items())),
            quota=quota,
            planned=planned,
        )
        strata.append(stratum)
        if stratum.short:
            warnings.append(
                f"{risk}类固定数量{quota.count}户多于可抽取的{eligible[risk]}户，抽取时将无法满足"
            )
        if quota is not None and quota.count is not None:
            for version in capped:
                allowed = rules.quota_from_ratio(eligible[risk], version.ratio_cap)
                if quota.count > allowed:
                    warnings.append(
                        f"{risk}类固定数量{quota.count}户超过事项{version.item.code}抽查比例上限"
                        f"{rules.percent(version.ratio_cap)}对应的{allowed}户"
                    )
    return ScopeCounts(strata=strata, warnings=warnings)


# --- the dashboard -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    by_status: list[tuple[str, str, int]]
    upcoming: list[SamplingTask]
    understaffed: list[tuple[SamplingTask, list[str]]]
    invitations: list[TaskDepartment]
    plans: list[AnnualPlan]


def dashboard_for(user, *, today: date | None = None, horizon_days: int = 60) -> Dashboard:
    """The department's tasks by status, those whose window is open or opens within
    `horizon_days`, and those whose departments cannot fill their seats."""
    from inspections.planning.staffing import task_staffing

    today = today or timezone.localdate()
    tasks = tasks_visible_to(user)
    counts = dict(tasks.order_by().values_list("status").annotate(n=Count("id")))
    by_status = [
        (str(label), status, counts[status])
        for status, label in TaskStatus.choices
        if counts.get(status)
    ]
    upcoming = list(
        tasks.exclude(status__in=FINISHED)
        .filter(window_end__gte=today, window_start__lte=today + timedelta(days=horizon_days))
        .order_by("window_start", "code")[:10]
    )
    understaffed = []
    led = (
        tasks.filter(department_id=user.department_id, status__in=BEFORE_TEAMS)
        .prefetch_related("items__item", "quotas")
        .order_by("window_start", "code")[:20]
    )
    for task in led:
        staffing = task_staffing(task, expected_firms=expected_firms(task))
        problems = [row.problem for row in staffing]
        problems = [p for p in problems if p]
        if problems:
            understaffed.append((task, problems))
    plans = list(plans_visible_to(user).order_by("-year", "-version")[:3])
    return Dashboard(
        by_status=by_status,
        upcoming=upcoming,
        understaffed=understaffed,
        invitations=list(invitations_for(user)),
        plans=plans,
    )


# What keeps a task from moving is for the later steps to say: a draw left half done is the
# draws' knowledge, an unreviewed inspection fieldwork's, an unpublished result disclosure's, and
# planning may import none of them. Each registers a provider per target state (from its
# AppConfig.ready()).
Blockers = Callable[[SamplingTask], list[tuple[str, str]]]
_blockers: dict[str, list[Blockers]] = {}


def register_transition_blockers(to: str, provider: Blockers) -> None:
    """Add `provider(task)`, which gives (code, message) for each reason the task may not move
    to state `to` yet, to the checks of `transition_task` (once)."""
    providers = _blockers.setdefault(to, [])
    if provider not in providers:
        providers.append(provider)


def transition_blockers(task: SamplingTask, to: str) -> list[tuple[str, str]]:
    """(code, message) for each reason `task` may not move to `to` yet, from every provider
    registered for `to`."""
    return [blocker for provider in _blockers.get(to, ()) for blocker in provider(task)]


def register_start_blockers(provider: Blockers) -> None:
    """Add `provider(task)` to the checks of `start_task` (once)."""
    register_transition_blockers(TaskStatus.IN_PROGRESS, provider)


def start_blockers(task: SamplingTask) -> list[tuple[str, str]]:
    """(code, message) for each reason the task may not start yet (the draws': a draw left half
    done). The fieldwork page shows them in place of its 开始实施 button."""
    return transition_blockers(task, TaskStatus.IN_PROGRESS)
