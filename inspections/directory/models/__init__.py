"""The item list and the target directory (一单两库): items with their versions, check points and
scope rules, firms with their tags, and the region and industry code tables."""

from inspections.directory.classifications import FOREIGN_EMPLOYER_TAG
from inspections.directory.models.firms import (
    FIRM_FLAGS,
    TAG_DETAIL_LABELS,
    Firm,
    FirmStatus,
    FirmTag,
    RiskClass,
    TargetType,
    target_type_from_uscc,
)
from inspections.directory.models.items import (
    NON_SITE,
    SITE_VISITS,
    CheckPoint,
    InspectionItem,
    InspectionItemVersion,
    InspectionMethod,
    ItemCategory,
    ItemFirmListEntry,
    ItemScopeRule,
    VersionStatus,
)
from inspections.directory.models.reference import Industry, Region

__all__ = [
    "FIRM_FLAGS",
    "FOREIGN_EMPLOYER_TAG",
    "NON_SITE",
    "SITE_VISITS",
    "TAG_DETAIL_LABELS",
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
