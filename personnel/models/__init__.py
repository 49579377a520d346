"""The personnel app's models: one module per subject, all importable from here."""

from personnel.models.base import EnforcementField
from personnel.models.certificates import (
    STORED_CERTIFICATE_STATUSES,
    Certificate,
    CertificateAction,
    CertificateEvent,
    CertificateKind,
    CertificateStatus,
    QualificationExam,
    TrainingRecord,
)
from personnel.models.conflicts import (
    ConflictOfInterest,
    ConflictRelation,
    ConflictSource,
    RecusalDecision,
    RecusalRequest,
)
from personnel.models.officers import (
    ON_ROSTER,
    Expert,
    Gender,
    Officer,
    OfficerCategory,
    OfficerStatus,
)

__all__ = [
    "ON_ROSTER",
    "STORED_CERTIFICATE_STATUSES",
    "Certificate",
    "CertificateAction",
    "CertificateEvent",
    "CertificateKind",
    "CertificateStatus",
    "ConflictOfInterest",
    "ConflictRelation",
    "ConflictSource",
    "EnforcementField",
    "Expert",
    "Gender",
    "Officer",
    "OfficerCategory",
    "OfficerStatus",
    "QualificationExam",
    "RecusalDecision",
    "RecusalRequest",
    "TrainingRecord",
]
