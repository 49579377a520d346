"""Annual plans (lines, quotas, filing, the department's planning settings) and sampling tasks
(participating departments, quotas, the append-only transitions of their states)."""

from inspections.planning.models.caps import CapLevel, FrequencyCap
from inspections.planning.models.plans import (
    OPEN_PLAN_STATUSES,
    AnnualPlan,
    PlanFiling,
    PlanLine,
    PlanLineQuota,
    PlanningSettings,
    PlanStatus,
    StratumQuota,
)
from inspections.planning.models.tasks import (
    BEFORE_TEAMS,
    FINISHED,
    TRANSITIONS,
    CaseTrigger,
    InspectionType,
    ParticipationStatus,
    SamplingTask,
    ScopeMode,
    TaskDepartment,
    TaskQuota,
    TaskStatus,
    TaskTransition,
    one_month_after,
)

__all__ = [
    "BEFORE_TEAMS",
    "FINISHED",
    "OPEN_PLAN_STATUSES",
    "TRANSITIONS",
    "AnnualPlan",
    "CapLevel",
    "CaseTrigger",
    "FrequencyCap",
    "InspectionType",
    "ParticipationStatus",
    "PlanFiling",
    "PlanLine",
    "PlanLineQuota",
    "PlanStatus",
    "PlanningSettings",
    "SamplingTask",
    "ScopeMode",
    "StratumQuota",
    "TaskDepartment",
    "TaskQuota",
    "TaskStatus",
    "TaskTransition",
    "one_month_after",
]
