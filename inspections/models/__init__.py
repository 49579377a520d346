"""The item list and the target directory (一单两库); plans, draws and inspections follow."""

from inspections.classifications import FOREIGN_EMPLOYER_TAG
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
from inspections.models.reference import Industry, Region

__all__ = [
    "FIRM_FLAGS",
    "FOREIGN_EMPLOYER_TAG",
    "CheckPoint",
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
    "Region",
    "RiskClass",
    "TargetType",
    "VersionStatus",
    "target_type_from_uscc",
]
