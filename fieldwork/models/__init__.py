from fieldwork.models.codes import CodeStatus, InspectionCode
from fieldwork.models.evidence import EvidenceFile, EvidenceKind
from fieldwork.models.inspections import (
    MAY_PROCEED,
    RECORDING,
    ApprovalState,
    Inspection,
    InspectionMember,
    InspectionState,
)
from fieldwork.models.records import CORRECTABLE, InspectionRecord, RecordKind
from fieldwork.models.results import FollowUp, FollowUpKind, FollowUpStatus, ResultCode

__all__ = [
    "CORRECTABLE",
    "MAY_PROCEED",
    "RECORDING",
    "ApprovalState",
    "CodeStatus",
    "EvidenceFile",
    "EvidenceKind",
    "FollowUp",
    "FollowUpKind",
    "FollowUpStatus",
    "Inspection",
    "InspectionCode",
    "InspectionMember",
    "InspectionRecord",
    "InspectionState",
    "RecordKind",
    "ResultCode",
]
