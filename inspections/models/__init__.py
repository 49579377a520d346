"""The item list and the target directory (一单两库), annual plans and sampling tasks; draws and
inspections follow."""

from inspections.classifications import FOREIGN_EMPLOYER_TAG
from inspections.models.draw_jobs import DrawJob, DrawJobAction, DrawJobStatus
from inspections.models.draws import Draw, DrawPurpose, DrawStatus
from inspections.models.firms import (
    FIRM_FLAGS,
    Firm,
    FirmStatus,
    FirmTag,
    RiskClass,
    TargetType,
    target_type_from_uscc,
)
from inspections.models.items import (
    CheckPoint,
    InspectionItem,
    InspectionItemVersion,
    InspectionMethod,
    ItemCategory,
    ItemFirmListEntry,
    ItemScopeRule,
    VersionStatus,
)
from inspections.models.plans import (
    OPEN_PLAN_STATUSES,
    AnnualPlan,
    PlanFiling,
    PlanLine,
    PlanLineQuota,
    PlanningSettings,
    PlanStatus,
)
from inspections.models.reference import Industry, Region
from inspections.models.tasks import (
    TRANSITIONS,
    ParticipationStatus,
    SamplingTask,
    ScopeMode,
    TaskDepartment,
    TaskQuota,
    TaskStatus,
    TaskTransition,
)

__all__ = [
    "FIRM_FLAGS",
    "FOREIGN_EMPLOYER_TAG",
    "OPEN_PLAN_STATUSES",
    "TRANSITIONS",
    "AnnualPlan",
    "CheckPoint",
    "Draw",
    "DrawJob",
    "DrawJobAction",
    "DrawJobStatus",
    "DrawPurpose",
    "DrawStatus",
    "Firm",
    "FirmStatus",
    "FirmTag",
    "Industry",
    "InspectionItem",
    "InspectionItemVersion",
    "InspectionMethod",
    "ItemCategory",
    "ItemFirmListEntry",
    "ItemScopeRule",
    "ParticipationStatus",
    "PlanFiling",
    "PlanLine",
    "PlanLineQuota",
    "PlanStatus",
    "PlanningSettings",
    "Region",
    "RiskClass",
    "SamplingTask",
    "ScopeMode",
    "TargetType",
    "TaskDepartment",
    "TaskQuota",
    "TaskStatus",
    "TaskTransition",
    "VersionStatus",
    "target_type_from_uscc",
]
